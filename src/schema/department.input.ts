import { Field, InputType, Int } from 'type-graphql';
import { IsInt, IsNotEmpty, IsOptional, Max, MaxLength, Min } from 'class-validator';
import { AcceptsNull } from './input-guard';
import { BLANK, atMost } from './messages';
import { BusinessHoursInput, RoutingEnum } from './business-hours.type';
import type { Routing } from '../entities/department.entity';

const CAPACITY = { message: 'must be between 1 and 50' };

/** What create and update both accept besides the name (not itself in the schema: no field uses it). */
@InputType()
abstract class DepartmentSettingsInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000, atMost(2000)) @AcceptsNull() description?: string | null;
  @Field(() => Int, { nullable: true, description: 'seconds a customer may wait before the call is missed, default 600' })
  @IsOptional()
  @Min(1, { message: 'must be at least 1 second' })
  @Max(86400, { message: 'must be at most 86400 seconds' })
  queueTimeout?: number;
  @Field(() => RoutingEnum, { nullable: true, description: 'default manual' }) routing?: Routing;
  @Field(() => Int, { nullable: true, description: 'active or assigned calls an agent may hold under automatic routing, 1–50 (default 1)' })
  @IsOptional() @IsInt(CAPACITY) @Min(1, CAPACITY) @Max(50, CAPACITY)
  maxCallsPerAgent?: number;
  @Field(() => BusinessHoursInput, { nullable: true, description: 'null: always open' }) @AcceptsNull() businessHours?: BusinessHoursInput | null;
}

@InputType()
export class CreateDepartmentInput extends DepartmentSettingsInput {
  @Field() @IsNotEmpty(BLANK) @MaxLength(200, atMost(200)) name: string;
}

@InputType()
export class UpdateDepartmentInput extends DepartmentSettingsInput {
  @Field({ nullable: true }) @IsOptional() @IsNotEmpty(BLANK) @MaxLength(200, atMost(200)) name?: string;
  @Field({ nullable: true, description: 'reactivate a deleted department' }) isActive?: boolean;
}
