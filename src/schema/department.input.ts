import { Field, InputType, Int } from 'type-graphql';
import { IsNotEmpty, IsOptional, Max, MaxLength, Min } from 'class-validator';
import { AcceptsNull } from './input-guard';
import { BLANK, atMost } from './messages';

@InputType()
export class CreateDepartmentInput {
  @Field() @IsNotEmpty(BLANK) @MaxLength(200, atMost(200)) name: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000, atMost(2000)) @AcceptsNull() description?: string | null;
  @Field(() => Int, { nullable: true, description: 'seconds, default 600' })
  @IsOptional()
  @Min(1, { message: 'must be at least 1 second' })
  @Max(86400, { message: 'must be at most 86400 seconds' })
  queueTimeout?: number;
}

@InputType()
export class UpdateDepartmentInput {
  @Field({ nullable: true }) @IsOptional() @IsNotEmpty(BLANK) @MaxLength(200, atMost(200)) name?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000, atMost(2000)) @AcceptsNull() description?: string | null;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1, { message: 'must be at least 1 second' })
  @Max(86400, { message: 'must be at most 86400 seconds' })
  queueTimeout?: number;
  @Field({ nullable: true, description: 'reactivate a deleted department' }) isActive?: boolean;
}
