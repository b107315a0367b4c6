import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { RoleEnum, UserStatusEnum } from './role.enum';
import { PageMeta } from './common.type';
import type { Role } from '../auth/roles';

@Directive('@key(fields: "id")')
@ObjectType()
export class User {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field() email: string;
  @Field(() => RoleEnum) role: Role;
  @Field(() => UserStatusEnum) status: 'active' | 'inactive';
  @Field(() => [ID]) departmentIds: string[];
  @Field() insertedAt: Date;
}

@ObjectType()
export class UserPage {
  @Field(() => [User]) data: User[];
  @Field(() => PageMeta) meta: PageMeta;
}
