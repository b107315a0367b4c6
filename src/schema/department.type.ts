import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { PageMeta } from './common.type';
import { BusinessHours, RoutingEnum } from './business-hours.type';
import type { Routing } from '../entities/department.entity';

@Directive('@key(fields: "id")')
@ObjectType()
export class Department {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => Int, { description: 'seconds a customer may wait before the call is missed' }) queueTimeout: number;
  @Field() isActive: boolean;
  @Field(() => RoutingEnum) routing: Routing;
  @Field(() => Int) maxCallsPerAgent: number;
  @Field(() => BusinessHours, { nullable: true, description: 'null: always open' }) businessHours: BusinessHours | null;
  @Field() insertedAt: Date;
}

@ObjectType()
export class DepartmentPage {
  @Field(() => [Department]) data: Department[];
  @Field(() => PageMeta) meta: PageMeta;
}

@ObjectType()
export class DepartmentMembership {
  @Field(() => ID) departmentId: string;
  @Field(() => ID) userId: string;
}
