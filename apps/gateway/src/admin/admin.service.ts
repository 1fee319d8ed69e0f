import { Injectable } from '@nestjs/common';
import {
  CredentialService,
  InvalidPrincipalError,
  NotFoundError,
  type Principal,
  PrincipalService,
  PRINCIPAL_TYPES,
  type PrincipalType,
} from '@ajx/identity';
import { apiError } from '../http/api-error';
import { CredentialDto, type IssueCredentialDto, IssuedCredentialDto } from './dto/credential.dto';
import { PrincipalDto, type RegisterPrincipalDto, type RegisteredPrincipalDto } from './dto/principal.dto';

/** Operator actions on principals and credentials, translated to HTTP answers. */
@Injectable()
export class AdminService {
  constructor(
    private readonly principals: PrincipalService,
    private readonly credentials: CredentialService,
  ) {}

  async register(dto: RegisterPrincipalDto, actor: Principal, requestId?: string): Promise<RegisteredPrincipalDto> {
    const { principal, created } = await this.translate(() => this.principals.register(dto, actor.id, requestId));
    return { principal: PrincipalDto.of(principal), created };
  }

  /** Principals, of one type when `type` names one (the query parameter as given). */
  async list(type?: string): Promise<PrincipalDto[]> {
    if (type !== undefined && !PRINCIPAL_TYPES.includes(type as PrincipalType)) {
      throw apiError(400, 'INVALID_QUERY', `type must be one of ${PRINCIPAL_TYPES.join(', ')}`);
    }
    return (await this.principals.list(type as PrincipalType | undefined)).map((p) => PrincipalDto.of(p));
  }

  async get(id: string): Promise<PrincipalDto> {
    const p = await this.principals.get(id);
    if (!p) throw apiError(404, 'NOT_FOUND', `no principal ${id}`);
    return PrincipalDto.of(p);
  }

  async issue(
    principalId: string,
    dto: IssueCredentialDto,
    actor: Principal,
    requestId?: string,
  ): Promise<IssuedCredentialDto> {
    const issued = await this.translate(() =>
      this.credentials.issue(principalId, { validDays: dto.validDays, label: dto.label }, actor.id, requestId),
    );
    return IssuedCredentialDto.issued(issued);
  }

  async credentialsOf(principalId?: string): Promise<CredentialDto[]> {
    return (await this.credentials.list(principalId)).map((c) => CredentialDto.of(c));
  }

  async revoke(credentialId: string, actor: Principal, requestId?: string): Promise<CredentialDto> {
    return CredentialDto.of(await this.translate(() => this.credentials.revoke(credentialId, actor.id, requestId)));
  }

  private async translate<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof InvalidPrincipalError) throw apiError(400, 'INVALID_PRINCIPAL', err.message, err.problems);
      if (err instanceof NotFoundError) throw apiError(404, 'NOT_FOUND', err.message);
      throw err;
    }
  }
}
