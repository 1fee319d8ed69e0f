const BEIJING_DATETIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\+08:00$/;

/** `YYYY-MM-DDTHH:mm:ss+08:00` (shape only; the normaliser guarantees the date exists). */
export function isBeijingDateTime(value: string): boolean {
  return BEIJING_DATETIME.test(value);
}
