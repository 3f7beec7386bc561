/** Text made safe for HTML email bodies: names, URLs and ids come from users. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
