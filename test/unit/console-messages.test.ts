import { MESSAGE_FILES as FILES } from '../../console/src/app/messages';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('console messages', () => {
  it.each(
    Object.entries(FILES),
  )('%s: every English text has a German one with the same placeholders', (_name, file) => {
    const missing = Object.keys(file.en).filter((key) => !(key in file.de));
    const extra = Object.keys(file.de).filter((key) => !(key in file.en));
    const mismatched = Object.keys(file.en).filter(
      (key) => key in file.de && placeholders(file.en[key] ?? '').join() !== placeholders(file.de[key] ?? '').join(),
    );

    expect({ missing, extra, mismatched }).toEqual({ missing: [], extra: [], mismatched: [] });
  });

  it('never defines one key in two files, where the later would silently win', () => {
    const owners = new Map<string, string[]>();
    for (const [name, file] of Object.entries(FILES)) {
      for (const key of Object.keys(file.en)) owners.set(key, [...(owners.get(key) ?? []), name]);
    }

    expect([...owners].filter(([, files]) => files.length > 1)).toEqual([]);
  });
});
