/**
 * Text that goes into an email header (a subject, a name or an address). A control character there
 * could end the header and start another (`\r\nBcc: …`), and names come from customers (a key's
 * name, an endpoint's URL), so every header field the platform builds passes through here.
 */

/** Cc is exactly C0 (U+0000–U+001F), DEL and C1 (U+007F–U+009F); plus the line and paragraph separators. */
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]+/gu;

/** A subject or display name: each run of control characters becomes one space. */
export function headerText(value: string): string {
  return value.replace(CONTROL_CHARACTERS, ' ').trim();
}

/** An email address: control characters are dropped, since a space would break it too. */
export function headerAddress(value: string): string {
  return value.replace(CONTROL_CHARACTERS, '');
}
