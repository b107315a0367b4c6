import { Field, InputType, ObjectType } from 'type-graphql';
import { IsNotEmpty, IsOptional, Matches, MaxLength } from 'class-validator';
import { AcceptsNull } from './input-guard';
import { BLANK, INVALID_COLOR, INVALID_URL, atMost } from './messages';

@ObjectType()
export class Features {
  @Field() recording: boolean;
  @Field() transcription: boolean;
  @Field() aiSummaries: boolean;
}

@ObjectType()
export class Company {
  @Field() name: string;
  @Field(() => String, { nullable: true }) logoUrl: string | null;
  @Field() primaryColor: string;
  @Field(() => Features) features: Features;
}

@InputType()
export class FeaturesInput {
  @Field({ nullable: true }) recording?: boolean;
  @Field({ nullable: true }) transcription?: boolean;
  @Field({ nullable: true }) aiSummaries?: boolean;
}

@InputType()
export class UpdateCompanyInput {
  @Field({ nullable: true }) @IsOptional() @IsNotEmpty(BLANK) @MaxLength(200, atMost(200)) name?: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2048, atMost(2048))
  @Matches(/^https?:\/\/\S+$/, INVALID_URL)
  @AcceptsNull()
  logoUrl?: string | null;
  @Field({ nullable: true }) @IsOptional() @Matches(/^#[0-9a-fA-F]{6}$/, INVALID_COLOR) primaryColor?: string;
  @Field(() => FeaturesInput, { nullable: true, description: 'owner only' })
  features?: FeaturesInput;
}
