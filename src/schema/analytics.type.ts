import { ArgsType, Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType()
export class AnalyticsPeriod {
  @Field() from: Date;
  @Field() to: Date;
}

@ObjectType()
export class AnalyticsTotals {
  @Field(() => Int) calls: number;
  @Field(() => Int) queued: number;
  @Field(() => Int) assigned: number;
  @Field(() => Int) active: number;
  @Field(() => Int) completed: number;
  @Field(() => Int) missed: number;
  @Field(() => Int) cancelled: number;
  @Field(() => Int) abandoned: number;
}

@ObjectType()
export class DepartmentFigures {
  @Field(() => ID) departmentId: string;
  @Field() departmentName: string;
  @Field(() => Int) calls: number;
  @Field(() => Int) completed: number;
  @Field(() => Int) missed: number;
  @Field(() => Int, { nullable: true }) averageWaitTime: number | null;
  @Field(() => Int, { nullable: true }) averageDuration: number | null;
  @Field(() => Float, { nullable: true }) averageRating: number | null;
}

@ObjectType()
export class AgentFigures {
  @Field(() => ID) userId: string;
  @Field() userName: string;
  @Field(() => Int) calls: number;
  @Field(() => Int) completed: number;
  @Field(() => Int, { nullable: true }) averageDuration: number | null;
  @Field(() => Float, { nullable: true }) averageRating: number | null;
}

@ObjectType()
export class HourFigures {
  @Field({ description: 'the start of the hour (UTC)' }) hour: Date;
  @Field(() => Int) calls: number;
}

@ObjectType({ description: 'CONTRACT §8: counts of calls inserted in the period; averages over its completed calls' })
export class AnalyticsDashboard {
  @Field(() => AnalyticsPeriod) period: AnalyticsPeriod;
  @Field(() => AnalyticsTotals) totals: AnalyticsTotals;
  @Field(() => Int, { nullable: true, description: 'seconds' }) averageWaitTime: number | null;
  @Field(() => Int, { nullable: true, description: 'seconds' }) averageDuration: number | null;
  @Field(() => Float, { nullable: true }) averageRating: number | null;
  @Field(() => Float, { nullable: true, description: '% of started + missed + abandoned calls started within 60 s of joining' }) serviceLevel: number | null;
  @Field(() => [DepartmentFigures]) byDepartment: DepartmentFigures[];
  @Field(() => [AgentFigures]) byAgent: AgentFigures[];
  @Field(() => [HourFigures]) byHour: HourFigures[];
}

@ArgsType()
export class DashboardArgs {
  @Field(() => Date, { nullable: true, description: 'default: 30 days before date_to' }) dateFrom?: Date;
  @Field(() => Date, { nullable: true, description: 'default: now; a bare date includes that whole day' }) dateTo?: Date;
  @Field(() => ID, { nullable: true }) departmentId?: string;
}
