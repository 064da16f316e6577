// How the staff workspace shows a moment; every module's staff pages use it.

/**
 * A moment in UTC with its zone named: handlers work in shifts across time zones, and one
 * shared clock avoids "was that my 9 o'clock or yours?" at handover.
 */
export function formatTime(locale: string, ms: number): string {
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  }).format(ms);
}
