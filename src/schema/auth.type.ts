import { Field, ObjectType } from 'type-graphql';
import { User } from './user.type';

@ObjectType()
export class AuthPayload {
  @Field() accessToken: string;
  @Field() refreshToken: string;
  @Field(() => User) user: User;
}

@ObjectType()
export class TenantInfo {
  @Field() slug: string;
  @Field() name: string;
}

@ObjectType()
export class SignupPayload extends AuthPayload {
  @Field(() => TenantInfo) tenant: TenantInfo;
}
