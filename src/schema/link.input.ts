import { Field, ID, InputType, Int } from 'type-graphql';
import { IsOptional, IsNotEmpty, MaxLength, Min, MinDate } from 'class-validator';
import { AcceptsNull } from './input-guard';
import { BLANK, atMost } from './messages';

@InputType()
export class CreateLinkInput {
  @Field(() => ID) @IsNotEmpty(BLANK) departmentId: string;
  @Field({ nullable: true, description: 'default: the department name' }) @IsOptional() @IsNotEmpty(BLANK) @MaxLength(200, atMost(200)) name?: string;
  @Field(() => Date, { nullable: true }) @IsOptional() @MinDate(() => new Date(), { message: 'must be in the future' }) @AcceptsNull() expiresAt?: Date | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @Min(1, { message: 'must be greater than or equal to 1' }) @AcceptsNull() maxUses?: number | null;
}
