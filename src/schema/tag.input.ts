import { Field, InputType } from 'type-graphql';
import { IsNotEmpty, IsOptional, Matches, MaxLength } from 'class-validator';
import { BLANK, INVALID_COLOR, atMost } from './messages';

const HEX = /^#[0-9a-fA-F]{6}$/;

@InputType()
export class CreateTagInput {
  @Field() @IsNotEmpty(BLANK) @MaxLength(50, atMost(50)) name: string;
  @Field({ nullable: true, description: 'default #3b82f6' }) @IsOptional() @Matches(HEX, INVALID_COLOR) color?: string;
}

@InputType()
export class UpdateTagInput {
  @Field({ nullable: true }) @IsOptional() @IsNotEmpty(BLANK) @MaxLength(50, atMost(50)) name?: string;
  @Field({ nullable: true }) @IsOptional() @Matches(HEX, INVALID_COLOR) color?: string;
}
