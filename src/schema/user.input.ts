import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, IsEmail, IsNotEmpty, IsOptional, MaxLength, MinLength } from 'class-validator';
import { RoleEnum, UserStatusEnum } from './role.enum';
import { PageArgs } from './common.type';
import { BLANK, INVALID_EMAIL, atLeast, atMost } from './messages';
import type { Role } from '../auth/roles';

@InputType()
export class CreateUserInput {
  @Field() @IsNotEmpty(BLANK) @MaxLength(200, atMost(200)) name: string;
  @Field() @IsNotEmpty(BLANK) @MaxLength(254, atMost(254)) @IsEmail({}, INVALID_EMAIL) email: string;
  @Field() @IsNotEmpty(BLANK) @MinLength(8, atLeast(8)) @MaxLength(128, atMost(128)) password: string;
  @Field(() => RoleEnum, { nullable: true, description: 'default attendant' }) role?: Role;
  @Field(() => [ID], { nullable: true }) @IsOptional() @ArrayMaxSize(100) departmentIds?: string[];
}

@InputType()
export class UpdateUserInput {
  @Field({ nullable: true }) @IsOptional() @IsNotEmpty(BLANK) @MaxLength(200, atMost(200)) name?: string;
  @Field({ nullable: true }) @IsOptional() @IsEmail({}, INVALID_EMAIL) @MaxLength(254, atMost(254)) email?: string;
  @Field({ nullable: true }) @IsOptional() @MinLength(8, atLeast(8)) @MaxLength(128, atMost(128)) password?: string;
  @Field(() => RoleEnum, { nullable: true }) role?: Role;
  @Field(() => UserStatusEnum, { nullable: true, description: 'reactivate with "active"' }) status?: 'active' | 'inactive';
  @Field(() => [ID], { nullable: true }) @IsOptional() @ArrayMaxSize(100) departmentIds?: string[];
}

@InputType()
export class UpdateMeInput {
  @Field({ nullable: true }) @IsOptional() @IsNotEmpty(BLANK) @MaxLength(200, atMost(200)) name?: string;
  @Field({ nullable: true }) @IsOptional() @MinLength(8, atLeast(8)) @MaxLength(128, atMost(128)) password?: string;
}

@ArgsType()
export class UserListArgs extends PageArgs {
  @Field({ nullable: true, description: 'name or email contains' }) @IsOptional() @MaxLength(200, atMost(200)) search?: string;
  @Field(() => RoleEnum, { nullable: true }) role?: Role;
  @Field(() => UserStatusEnum, { nullable: true }) status?: 'active' | 'inactive';
}
