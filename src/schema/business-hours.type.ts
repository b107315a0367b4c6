import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ROUTINGS, type Routing } from '../entities/department.entity';

/** Lower-case values, so GraphQL and REST spell them identically. */
export const RoutingEnum = Object.fromEntries(ROUTINGS.map((r) => [r, r])) as { [K in Routing]: K };
registerEnumType(RoutingEnum, { name: 'Routing', description: 'manual (agents pick), round_robin, least_busy' });

const RANGES = { description: 'local ["HH:MM", "HH:MM"] ranges; "24:00" may end one' };

@ObjectType()
export class WeeklyHours {
  @Field(() => [[String]], RANGES) mon: string[][];
  @Field(() => [[String]], RANGES) tue: string[][];
  @Field(() => [[String]], RANGES) wed: string[][];
  @Field(() => [[String]], RANGES) thu: string[][];
  @Field(() => [[String]], RANGES) fri: string[][];
  @Field(() => [[String]], RANGES) sat: string[][];
  @Field(() => [[String]], RANGES) sun: string[][];
}

@ObjectType()
export class BusinessHours {
  @Field({ description: 'IANA time zone, e.g. America/Sao_Paulo' }) timezone: string;
  @Field(() => WeeklyHours) weekly: WeeklyHours;
  @Field(() => [String], { description: 'YYYY-MM-DD local dates on which the department stays closed' }) closedDates: string[];
}

/** Shapes are checked by the service (one message list under `business_hours`), not here. */
@InputType()
export class WeeklyHoursInput {
  @Field(() => [[String]], { nullable: true, ...RANGES }) mon?: string[][];
  @Field(() => [[String]], { nullable: true, ...RANGES }) tue?: string[][];
  @Field(() => [[String]], { nullable: true, ...RANGES }) wed?: string[][];
  @Field(() => [[String]], { nullable: true, ...RANGES }) thu?: string[][];
  @Field(() => [[String]], { nullable: true, ...RANGES }) fri?: string[][];
  @Field(() => [[String]], { nullable: true, ...RANGES }) sat?: string[][];
  @Field(() => [[String]], { nullable: true, ...RANGES }) sun?: string[][];
}

@InputType()
export class BusinessHoursInput {
  @Field() timezone: string;
  @Field(() => WeeklyHoursInput, { nullable: true }) weekly?: WeeklyHoursInput;
  @Field(() => [String], { nullable: true }) closedDates?: string[];
}
