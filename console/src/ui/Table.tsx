import type { ComponentChildren } from 'preact';

export interface TableProps {
  caption: string;
  /** Column headings. */
  columns: string[];
  children: ComponentChildren;
  /** Shows the caption to sighted readers too (else it is for screen readers only). */
  captionVisible?: boolean;
}

/**
 * A table inside a labelled, focusable region that scrolls sideways at 360 px. Rows are the
 * children: `<tr><td data-label="Name">…</td></tr>` (data-label lets CSS stack cells into cards).
 */
export function Table({ caption, columns, children, captionVisible }: TableProps) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section class="table-region" aria-label={caption} tabIndex={0}>
      <table>
        <caption class={captionVisible ? undefined : 'visually-hidden'}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </section>
  );
}
