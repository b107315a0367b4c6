import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { IsOptional, MaxLength } from 'class-validator';
import { PageArgs, PageMeta } from './common.type';
import { Tag } from './tag.type';
import { atMost } from './messages';

@ObjectType()
export class Call {
  @Field(() => ID) id: string;
  @Field({ description: 'queued, assigned, active, completed, missed, cancelled, abandoned' }) status: string;
  @Field(() => ID) departmentId: string;
  @Field() departmentName: string;
  @Field(() => ID, { nullable: true }) userId: string | null;
  @Field(() => String, { nullable: true }) userName: string | null;
  @Field() customerName: string;
  @Field(() => String, { nullable: true }) customerEmail: string | null;
  @Field(() => String, { nullable: true }) customerPhone: string | null;
  @Field(() => Int, { nullable: true, description: 'seconds from start to completion' }) duration: number | null;
  @Field(() => Int, { nullable: true, description: 'seconds from joining to start (or to the end of waiting)' }) waitTime: number | null;
  @Field(() => Int, { nullable: true }) rating: number | null;
  @Field(() => String, { nullable: true }) notes: string | null;
  @Field() hasRecording: boolean;
  @Field(() => Date, { nullable: true }) startedAt: Date | null;
  @Field(() => Date, { nullable: true }) completedAt: Date | null;
  @Field() insertedAt: Date;
}

@ObjectType()
export class CallDetails extends Call {
  @Field(() => String, { nullable: true }) recordingUrl: string | null;
  @Field(() => [Tag]) tags: Tag[];
  @Field(() => String, { nullable: true }) managerNotes: string | null;
  @Field(() => String, { nullable: true, description: 'normal, timeout, disconnect, abandoned' }) endReason: string | null;
  @Field(() => Date, { nullable: true }) disconnectedAt: Date | null;
  @Field(() => Date, { nullable: true }) reconnectedAt: Date | null;
}

@ObjectType()
export class CallPage {
  @Field(() => [Call]) data: Call[];
  @Field(() => PageMeta) meta: PageMeta;
}

@ObjectType()
export class CallAssignment {
  @Field(() => ID) id: string;
  @Field() status: string;
  @Field(() => ID) userId: string;
  @Field() userName: string;
}

@ObjectType()
export class CallStarted {
  @Field(() => ID) id: string;
  @Field() status: string;
  @Field() startedAt: Date;
}

@ObjectType()
export class CallCompleted {
  @Field(() => ID) id: string;
  @Field() status: string;
  @Field() completedAt: Date;
}

@ObjectType()
export class ManagerNotes {
  @Field(() => ID) id: string;
  @Field() managerNotes: string;
}

@ObjectType()
export class Transcript {
  @Field(() => ID) callId: string;
  @Field() transcript: string;
  @Field() language: string;
  @Field() generatedAt: Date;
}

@ObjectType()
export class Summary {
  @Field(() => ID) callId: string;
  @Field() summary: string;
  @Field() provider: string;
  @Field() model: string;
  @Field() generatedAt: Date;
}

@ArgsType()
export class CallListArgs extends PageArgs {
  @Field({ nullable: true }) status?: string;
  @Field(() => ID, { nullable: true }) departmentId?: string;
  @Field(() => ID, { nullable: true, description: 'the agent' }) userId?: string;
  @Field(() => Date, { nullable: true }) dateFrom?: Date;
  @Field(() => Date, { nullable: true, description: 'a bare date includes that whole day' }) dateTo?: Date;
  @Field({ nullable: true, description: 'customer name or email contains' }) @IsOptional() @MaxLength(200, atMost(200)) search?: string;
}

@ObjectType()
export class CallFileInfo {
  @Field(() => ID) id: string;
  @Field() filename: string;
  @Field({ description: 'sniffed from the content' }) contentType: string;
  @Field(() => Int, { description: 'bytes' }) size: number;
  @Field({ description: 'download path (Content-Disposition: attachment)' }) url: string;
}
