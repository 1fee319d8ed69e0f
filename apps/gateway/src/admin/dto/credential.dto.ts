import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { type CredentialInfo, type IssuedCredential, MAX_CREDENTIAL_DAYS } from '@ajx/identity';

export class IssueCredentialDto {
  @ApiProperty({ minimum: 1, maximum: MAX_CREDENTIAL_DAYS, example: 90 })
  @IsInt()
  @Min(1)
  @Max(MAX_CREDENTIAL_DAYS)
  validDays!: number;

  @ApiPropertyOptional({ example: 'upload robot' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  label?: string;
}

export class CredentialDto {
  @ApiProperty() id!: string;
  @ApiProperty() principalId!: string;
  @ApiProperty({ description: 'the first characters of the token, to recognise it' }) hint!: string;
  @ApiPropertyOptional({ nullable: true }) label!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty() expiresAt!: string;
  @ApiPropertyOptional({ nullable: true }) revokedAt!: string | null;
  @ApiPropertyOptional({ nullable: true }) revokedBy!: string | null;
  @ApiPropertyOptional({ nullable: true }) lastUsedAt!: string | null;

  static of(c: CredentialInfo): CredentialDto {
    return {
      id: c.id,
      principalId: c.principalId,
      hint: c.hint,
      label: c.label,
      createdAt: c.createdAt.toISOString(),
      createdBy: c.createdBy,
      expiresAt: c.expiresAt.toISOString(),
      revokedAt: c.revokedAt?.toISOString() ?? null,
      revokedBy: c.revokedBy,
      lastUsedAt: c.lastUsedAt?.toISOString() ?? null,
    };
  }
}

export class IssuedCredentialDto extends CredentialDto {
  @ApiProperty({ description: 'the bearer token — shown only in this answer' }) token!: string;

  static issued(c: IssuedCredential): IssuedCredentialDto {
    return { ...CredentialDto.of(c), token: c.token };
  }
}
