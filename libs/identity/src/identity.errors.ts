/** A request to register or change a principal that is invalid; `problems` lists every reason. */
export class InvalidPrincipalError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

export class NotFoundError extends Error {}
