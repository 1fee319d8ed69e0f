import { HttpException } from '@nestjs/common';
import type { InterchangeError } from '@ajx/interchange-protocol';

/** An interchange protocol refusal as an HTTP answer: `{statusCode, code, message, retryable, problems?}`. */
export function protocolError(err: InterchangeError): HttpException {
  return new HttpException({ statusCode: err.status, ...err.toBody() }, err.status);
}
