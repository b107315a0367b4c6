import { Field, InputType, ObjectType } from 'type-graphql';
import { IsNotEmpty, IsOptional, Matches, MaxLength, ValidateBy } from 'class-validator';
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
  @Field({ description: 'BCP 47 tag: the language of transcripts and summaries (default pt-BR)' }) language: string;
}

@InputType()
export class FeaturesInput {
  @Field({ nullable: true }) recording?: boolean;
  @Field({ nullable: true }) transcription?: boolean;
  @Field({ nullable: true }) aiSummaries?: boolean;
}

/** A well-formed BCP 47 tag that the platform's Intl knows. */
function IsBcp47(): PropertyDecorator {
  return ValidateBy({
    name: 'isBcp47',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string' || !/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(value)) return false;
        try {
          return Intl.getCanonicalLocales(value).length === 1;
        } catch {
          return false;
        }
      },
      defaultMessage: () => 'must be a BCP 47 language tag such as pt-BR or en-US',
    },
  });
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
  @Field({ nullable: true, description: 'BCP 47, e.g. pt-BR, en-US' }) @IsOptional() @IsBcp47() language?: string;
}
