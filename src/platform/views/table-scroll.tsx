import type { ComponentChildren } from 'preact';

/**
 * A table wider than a phone scrolls inside its own box instead of making the whole page
 * scroll sideways. The box is a named, focusable region so a keyboard user can reach and
 * scroll it (axe: scrollable-region-focusable); no script is needed.
 */
export function TableScroll(props: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-scroll" role="region" aria-label={props.label} tabindex={0}>
      {props.children}
    </div>
  );
}
