import { Field, ID, Int, ObjectType } from 'type-graphql';
import { PageMeta } from './common.type';

@ObjectType({ description: 'An access link customers open to join a department queue' })
export class AccessLink {
  @Field(() => ID) id: string;
  @Field() token: string;
  @Field() url: string;
  @Field(() => ID) departmentId: string;
  @Field() name: string;
  @Field() active: boolean;
  @Field(() => Date, { nullable: true }) expiresAt: Date | null;
  @Field(() => Int, { nullable: true }) maxUses: number | null;
  @Field(() => Int) uses: number;
  @Field() insertedAt: Date;
}

@ObjectType()
export class AccessLinkPage {
  @Field(() => [AccessLink]) data: AccessLink[];
  @Field(() => PageMeta) meta: PageMeta;
}
