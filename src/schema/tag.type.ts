import { Field, ID, ObjectType } from 'type-graphql';
import { PageMeta } from './common.type';

@ObjectType()
export class Tag {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field() color: string;
  @Field() insertedAt: Date;
}

@ObjectType()
export class TagPage {
  @Field(() => [Tag]) data: Tag[];
  @Field(() => PageMeta) meta: PageMeta;
}
