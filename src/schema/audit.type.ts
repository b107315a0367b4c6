import { ArgsType, Field, ID, ObjectType } from 'type-graphql';
import { IsOptional, MaxLength } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { PageArgs, PageMeta } from './common.type';
import { atMost } from './messages';

@ObjectType({ description: 'One entry of the append-only audit log (CONTRACT §11)' })
export class AuditLogEntry {
  @Field(() => ID) id: string;
  @Field({ description: 'e.g. user.updated, department.created, auth.login_failed' }) action: string;
  @Field(() => ID, { nullable: true, description: 'null for the system or an unauthenticated caller' }) actorId: string | null;
  @Field(() => String, { nullable: true }) actorName: string | null;
  @Field(() => String, { nullable: true }) actorRole: string | null;
  @Field(() => String, { nullable: true, description: 'user, department, link, company, webhook, call or tenant' }) targetType: string | null;
  @Field(() => ID, { nullable: true }) targetId: string | null;
  @Field(() => String, { nullable: true }) ip: string | null;
  @Field(() => GraphQLJSONObject, { nullable: true, description: '{field: [old, new]}, snake_case keys; never a password' })
  changes: Record<string, unknown> | null;
  @Field() insertedAt: Date;
}

@ObjectType()
export class AuditLogPage {
  @Field(() => [AuditLogEntry]) data: AuditLogEntry[];
  @Field(() => PageMeta) meta: PageMeta;
}

@ArgsType()
export class AuditLogArgs extends PageArgs {
  @Field({ nullable: true, description: 'an action, or a family such as "department.*"' }) @IsOptional() @MaxLength(60, atMost(60)) action?: string;
  @Field(() => ID, { nullable: true }) actorId?: string;
  @Field(() => ID, { nullable: true }) targetId?: string;
  @Field(() => Date, { nullable: true }) dateFrom?: Date;
  @Field(() => Date, { nullable: true, description: 'a bare date includes that whole day' }) dateTo?: Date;
}
