/**
 * The platform's emails through SES v2 SendEmail, HTML and text, from the configured sender
 * identity. Every header field is cleaned of control characters here, whoever built the email.
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { headerAddress, headerText } from '../domain/email-header';
import type { EmailSender } from '../domain/reminders/reminder-service';

export class SesEmailSender implements EmailSender {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
  ) {}

  async send(email: Parameters<EmailSender['send']>[0]): Promise<void> {
    if (email.to.length === 0) return;
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: headerText(this.from),
        Destination: { ToAddresses: email.to.map(headerAddress) },
        Content: {
          Simple: {
            Subject: { Data: headerText(email.subject), Charset: 'UTF-8' },
            Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
          },
        },
      }),
    );
  }
}
