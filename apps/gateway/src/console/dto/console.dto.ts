import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { ConsoleUser } from '@ajx/identity';
import { PageLimit } from '../../http/page-limit';
import { PrincipalDto } from '../../admin/dto/principal.dto';

export class SignInDto {
  @ApiProperty({ example: 'rc-emergency-zhang' })
  @IsString()
  @MaxLength(64)
  username!: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @MaxLength(200)
  password!: string;
}

export class ConsoleUserDto {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() principalId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty() failedAttempts!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lockedUntil!: string | null;
  @ApiProperty({ format: 'date-time' }) passwordChangedAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) disabledAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastSignInAt!: string | null;

  static of(u: ConsoleUser): ConsoleUserDto {
    return {
      ...u,
      lockedUntil: u.lockedUntil?.toISOString() ?? null,
      passwordChangedAt: u.passwordChangedAt.toISOString(),
      createdAt: u.createdAt.toISOString(),
      disabledAt: u.disabledAt?.toISOString() ?? null,
      lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
    };
  }
}

export class SessionDto {
  @ApiProperty({ type: ConsoleUserDto, nullable: true, description: 'null: a bearer token, not a console session' })
  user!: { username: string; displayName: string } | null;

  @ApiProperty({ type: PrincipalDto })
  principal!: PrincipalDto;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'send it as X-CSRF-Token with every request that changes state (null for a bearer token)',
  })
  csrfToken!: string | null;
}

export class AddUserDto {
  @ApiProperty({ example: 'rc-emergency-zhang' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{2,63}$/, {
    message: 'username must be 3–64 lower-case letters, digits, ".", "_" or "-"',
  })
  username!: string;

  @ApiProperty({ example: 'rc-emergency' })
  @IsString()
  @MinLength(2)
  @MaxLength(64)
  principalId!: string;

  @ApiProperty({ example: '张科长' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName!: string;

  @ApiProperty({ format: 'password', minLength: 10 })
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  password!: string;
}

export class ResetUserDto {
  @ApiPropertyOptional({ format: 'password', description: 'omitted: a generated password is returned once' })
  @IsOptional()
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  password?: string;
}

export class ResetUserResultDto {
  @ApiProperty({ type: ConsoleUserDto }) user!: ConsoleUserDto;
  @ApiProperty({ description: 'the new password, shown once' }) password!: string;
}

export class DlqQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'resolved', 'all'], default: 'open' })
  @IsOptional()
  @IsString()
  status?: string;

  @ApiPropertyOptional({ example: 'PICC' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  insurer?: string;

  @ApiPropertyOptional({ example: 'INVALID_USCC' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  code?: string;

  @ApiPropertyOptional({ description: 'the `next` of the previous page' })
  @IsOptional()
  @IsString()
  after?: string;

  @PageLimit()
  limit?: number;
}
