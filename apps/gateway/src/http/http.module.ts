import { Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { AuditModule } from '@ajx/audit';
import { ApiExceptionFilter } from './api-exception.filter';
import { JsonBodyInterceptor } from './json-body';

/**
 * The gateway's HTTP edge shared by every feature: JSON bodies read after authentication (JsonBodyInterceptor, or
 * `@RawBody()` with `@UploadBody()` for handlers whose services read the body themselves), and error answers that
 * carry headers (ApiExceptionFilter). The validation pipe and the NUL guard are installed by configureGateway
 * (gateway.service-definition.ts).
 */
@Module({
  imports: [AuditModule],
  providers: [
    { provide: APP_INTERCEPTOR, useClass: JsonBodyInterceptor },
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
  ],
})
export class HttpModule {}
