/**
 * GDPR Art. 12(3) deadline for a request received at `receivedAt`: one month,
 * counted as the same date next month, clamped to the month's last day
 * (Regulation 1182/71 Art. 3; privacy-domain spec §3.1 and §14). Weekend and
 * holiday roll-forward is the handlers' deadline module's job when it
 * recomputes; this is the floor conduit records at intake.
 */
export function gdprDueDate(receivedAt: Date): Date {
  const y = receivedAt.getUTCFullYear();
  const m = receivedAt.getUTCMonth() + 1;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const due = new Date(receivedAt.getTime());
  due.setUTCDate(1);
  due.setUTCMonth(m);
  due.setUTCDate(Math.min(receivedAt.getUTCDate(), lastDay));
  return due;
}
