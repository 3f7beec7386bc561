/** A page's or form's failure, read out when it appears; nothing while there is none. */
export function ErrorNotice({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p class="notice notice-error" role="alert">
      {message}
    </p>
  );
}
