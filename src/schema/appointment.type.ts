import { ArgsType, Field, ID, InputType, ObjectType } from 'type-graphql';
import { IsNotEmpty, IsOptional, MaxLength } from 'class-validator';
import { PageArgs, PageMeta } from './common.type';
import { BLANK, atMost } from './messages';

@ObjectType()
export class Appointment {
  @Field(() => ID) id: string;
  @Field() title: string;
  @Field() scheduledAt: Date;
  @Field(() => ID, { nullable: true }) customerId: string | null;
  @Field(() => String, { nullable: true }) customerName: string | null;
  @Field(() => ID) userId: string;
  @Field(() => ID, { nullable: true }) departmentId: string | null;
  @Field(() => String, { nullable: true }) notes: string | null;
  @Field(() => Date, { nullable: true, description: 'when the 15-minute reminder went out' }) remindedAt: Date | null;
  @Field() insertedAt: Date;
}

@ObjectType()
export class AppointmentPage {
  @Field(() => [Appointment]) data: Appointment[];
  @Field(() => PageMeta) meta: PageMeta;
}

@ArgsType()
export class AppointmentListArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'the agent (supervisors); attendants see their own' }) userId?: string;
  @Field(() => Date, { nullable: true }) dateFrom?: Date;
  @Field(() => Date, { nullable: true, description: 'a bare date includes that whole day' }) dateTo?: Date;
}

@InputType()
export class CreateAppointmentInput {
  @Field() @IsNotEmpty(BLANK) @MaxLength(200, atMost(200)) title: string;
  @Field() scheduledAt: Date;
  @Field(() => ID, { nullable: true }) customerId?: string;
  @Field(() => ID, { nullable: true, description: 'default: you; others only for supervisors' }) userId?: string;
  @Field(() => ID, { nullable: true }) departmentId?: string;
  @Field({ nullable: true }) @IsOptional() @MaxLength(5000, atMost(5000)) notes?: string;
}

@InputType()
export class UpdateAppointmentInput {
  @Field({ nullable: true }) @IsOptional() @IsNotEmpty(BLANK) @MaxLength(200, atMost(200)) title?: string;
  @Field({ nullable: true }) scheduledAt?: Date;
  @Field(() => ID, { nullable: true }) customerId?: string;
  @Field(() => ID, { nullable: true }) userId?: string;
  @Field(() => ID, { nullable: true }) departmentId?: string;
  @Field({ nullable: true }) @IsOptional() @MaxLength(5000, atMost(5000)) notes?: string;
}
