/** The invitation: the organization's language, its name and the console; nothing else. */
import { renderInviteEmail } from '../../functions/domain/members/invite-email';

describe('renderInviteEmail', () => {
  it('is German for a German organization, naming the organization, the role and the console', () => {
    const email = renderInviteEmail(
      { name: 'Acme GmbH', locale: 'de' },
      { email: 'ada@acme.example', role: 'viewer' },
      'https://console.acme.example',
    );

    expect(email.subject).toBe('Einladung zu Acme GmbH');
    expect(email.text).toContain('als Betrachter (nur lesend) zur Organisation Acme GmbH');
    expect(email.text).toContain('https://console.acme.example');
    expect(email.html).toContain('lang="de"');
  });

  it('without a console URL says a link will come, and escapes the organization name in HTML', () => {
    const email = renderInviteEmail({ name: '<Acme & Co>' }, { email: 'ada@acme.example', role: 'admin' });

    expect(email.text).toContain('as an admin');
    expect(email.text).toContain('Your team will send you a sign-in link');
    expect(email.html).toContain('&#60;Acme &#38; Co&#62;');
    expect(email.html).not.toContain('<Acme');
  });
});
