import { useId, useLayoutEffect, useRef } from 'preact/hooks';
import { formatNumber, useLocale, useT } from '../app/i18n';

export interface BarChartPoint {
  label: string;
  value: number;
  kind?: 'ok' | 'fail';
}

const BAR_WIDTH = 28;
const GAP = 8;
const HEIGHT = 160;
const LABEL_SPACE = 32;

/**
 * Bars in SVG (hidden from screen readers) with the same values as a table after it, so nothing is
 * only in the picture. Bars of kind 'fail' are drawn in the failure colour and patterned.
 */
export function BarChart({ title, series }: { title: string; series: BarChartPoint[] }) {
  const t = useT();
  const locale = useLocale();
  const id = useId();
  const max = Math.max(1, ...series.map((point) => point.value));
  const scroller = useRef<HTMLElement>(null);
  // The newest period is on the right: show it first when the bars are wider than the screen.
  // Only when the periods change, so a re-render does not undo the reader's own scrolling.
  const periods = series.map((point) => point.label).join('\n');
  useLayoutEffect(() => {
    if (scroller.current) scroller.current.scrollLeft = scroller.current.scrollWidth;
  }, [periods]);
  const width = Math.max(series.length * (BAR_WIDTH + GAP) + GAP, 120);
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: many bars scroll sideways; a scrolling region must be reachable by keyboard */}
      <section ref={scroller} class="chart-scroll" aria-label={title} tabIndex={0}>
        <svg
          viewBox={`0 0 ${width} ${HEIGHT + LABEL_SPACE}`}
          width={width}
          height={HEIGHT + LABEL_SPACE}
          aria-hidden="true"
          focusable="false"
        >
          {series.map((point, index) => {
            const barHeight = Math.round((point.value / max) * HEIGHT);
            const x = GAP + index * (BAR_WIDTH + GAP);
            return (
              <g key={`${point.label}-${point.kind ?? ''}-${index}`}>
                <rect
                  class={`bar bar-${point.kind ?? 'ok'}`}
                  x={x}
                  y={HEIGHT - barHeight}
                  width={BAR_WIDTH}
                  height={barHeight}
                />
                <text x={x + BAR_WIDTH / 2} y={HEIGHT + 14} text-anchor="middle" class="bar-label">
                  {point.label.length > 6 ? point.label.slice(-5) : point.label}
                </text>
              </g>
            );
          })}
        </svg>
      </section>
      <details class="chart-values">
        <summary>{t('ui.chartTable')}</summary>
        <table>
          <caption class="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('ui.label')}</th>
              <th scope="col">{t('ui.value')}</th>
            </tr>
          </thead>
          <tbody>
            {series.map((point, index) => (
              <tr key={`${point.label}-${point.kind ?? ''}-${index}`}>
                <th scope="row">
                  {point.label}
                  {point.kind === 'fail' ? ' ✗' : ''}
                </th>
                <td>{formatNumber(locale, point.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
