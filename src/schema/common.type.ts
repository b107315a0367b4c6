import { ArgsType, Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Position of a page within a list' })
export class PageMeta {
  @Field(() => Int) currentPage: number;
  @Field(() => Int) pageSize: number;
  @Field(() => Int) totalPages: number;
  @Field(() => Int) totalCount: number;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: '1-based page number (default 1)' })
  page?: number;

  @Field(() => Int, { nullable: true, description: 'Items per page (default 20, at most 100; more is clamped)' })
  pageSize?: number;

  @Field(() => String, { nullable: true, description: 'Field to sort by' })
  sortBy?: string;

  @Field(() => String, { nullable: true, description: 'asc or desc' })
  sortOrder?: string;
}
