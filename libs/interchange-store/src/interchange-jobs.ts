/** The interchange's BullMQ queue (the interchange service's scheduler: sends, pulls and reconciliations). */
export const INTERCHANGE_QUEUE = 'interchange';
