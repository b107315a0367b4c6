import { Field, InputType } from 'type-graphql';
import { IsEmail, IsNotEmpty, Matches, MaxLength, MinLength } from 'class-validator';
import { BLANK, INVALID_EMAIL, atLeast, atMost } from './messages';

@InputType()
export class LoginInput {
  @Field() @IsNotEmpty(BLANK) @MaxLength(254, atMost(254)) email: string;
  @Field() @IsNotEmpty(BLANK) @MaxLength(128, atMost(128)) password: string;
  @Field() @IsNotEmpty(BLANK) @MaxLength(63, atMost(63)) tenant: string;
}

@InputType()
export class SignupInput {
  @Field() @IsNotEmpty(BLANK) @MaxLength(200, atMost(200)) companyName: string;
  @Field({ description: 'the tenant slug: lower-case letters, digits and dashes' })
  @IsNotEmpty(BLANK)
  @MaxLength(63, atMost(63))
  @Matches(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { message: 'must be lower-case letters, digits and dashes' })
  tenant: string;
  @Field() @IsNotEmpty(BLANK) @MaxLength(200, atMost(200)) name: string;
  @Field() @IsNotEmpty(BLANK) @MaxLength(254, atMost(254)) @IsEmail({}, INVALID_EMAIL) email: string;
  @Field() @IsNotEmpty(BLANK) @MinLength(8, atLeast(8)) @MaxLength(128, atMost(128)) password: string;
}

@InputType()
export class RefreshInput {
  @Field() @IsNotEmpty(BLANK) @MaxLength(4096, atMost(4096)) refreshToken: string;
}
