import { ApiProperty } from '@nestjs/swagger';
import { DeptRecordDto } from '../../dept/dto/dept.dto';
import { FindingDto } from './finding.dto';

export class CodeNameDto {
  @ApiProperty() code!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the Chinese name (null when the code is unknown)' })
  name!: string | null;
}

export class RegisterEntryViewDto {
  @ApiProperty() uscc!: string;
  @ApiProperty() name!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty() sector!: string;
  @ApiProperty({ nullable: true, type: Number }) employeeCount!: number | null;
  @ApiProperty({ nullable: true, type: String, enum: ['risk_deposit'] }) alternative!: string | null;
  @ApiProperty() version!: number;
}

/** Everything a department may see of one enterprise, in one answer. */
export class EnterpriseProfileDto {
  @ApiProperty() uscc!: string;
  @ApiProperty({ nullable: true, type: String, description: 'from the register, else the latest record' })
  name!: string | null;
  @ApiProperty({ type: CodeNameDto }) region!: CodeNameDto;
  @ApiProperty({ type: CodeNameDto }) sector!: CodeNameDto;
  @ApiProperty({ nullable: true, type: RegisterEntryViewDto, description: 'its must-insure register entry, if any' })
  register!: RegisterEntryViewDto | null;
  @ApiProperty({ type: [DeptRecordDto] }) policies!: DeptRecordDto[];
  @ApiProperty({ type: [DeptRecordDto] }) services!: DeptRecordDto[];
  @ApiProperty({ type: [DeptRecordDto] }) hazards!: DeptRecordDto[];
  @ApiProperty({ type: [DeptRecordDto] }) accidents!: DeptRecordDto[];
  @ApiProperty({ type: [DeptRecordDto] }) claims!: DeptRecordDto[];
  @ApiProperty({ type: [FindingDto], description: 'open findings' }) findings!: FindingDto[];
}
