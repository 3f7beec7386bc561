import type { ButtonHTMLAttributes } from 'preact';

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'danger' | 'plain' };

/** A button; `type="button"` unless told, so it never submits a form by accident. */
export function Button({ variant = 'plain', class: className, type = 'button', ...rest }: ButtonProps) {
  return <button type={type} class={`button button-${variant}${className ? ` ${className}` : ''}`} {...rest} />;
}
