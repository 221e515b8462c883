const classes = { delivered: 'ok', failed: 'bad', pending: 'muted' } as const;

export function DeliveryStatus({ status }: { status: keyof typeof classes }) {
  return <span className={`status ${classes[status]}`}>{status}</span>;
}
