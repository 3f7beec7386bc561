import { consoleUrlConfig, loadConfig } from '../../functions/runtime/config';

describe('consoleUrlConfig', () => {
  it.each(['https://console.example.com', 'http://localhost:4000/live/console'])('accepts %s', (url) => {
    expect(loadConfig(consoleUrlConfig, { CONSOLE_URL: url }).CONSOLE_URL).toBe(url);
  });

  it('is optional: links then point at the API’s own /<stage>/console', () => {
    expect(loadConfig(consoleUrlConfig, {}).CONSOLE_URL).toBeUndefined();
  });

  it.each([
    'console.example.com',
    '/console',
    'javascript:alert(1)',
    'ftp://console.example.com',
    'https://console.example.com/#x',
  ])('fails at load, naming CONSOLE_URL, for %s', (url) => {
    expect(() => loadConfig(consoleUrlConfig, { CONSOLE_URL: url })).toThrow(
      /CONSOLE_URL: CONSOLE_URL must be an absolute http\(s\) URL/,
    );
  });
});
