import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Appointment, AppointmentListArgs, AppointmentPage, CreateAppointmentInput, UpdateAppointmentInput } from '../schema/appointment.type';
import type { Context } from '../context';

@Resolver(() => Appointment)
export class AppointmentResolver {
  @Query(() => AppointmentPage, { description: 'Your appointments (supervisors: everyone’s)' })
  async appointments(@Args(() => AppointmentListArgs) args: AppointmentListArgs, @Ctx() ctx: Context) {
    return ctx.services.appointments.list(await ctx.scope(), args);
  }

  @Query(() => Appointment)
  async appointment(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.appointments.get(await ctx.scope(), id);
  }

  @Mutation(() => Appointment, { description: 'A reminder goes to notification:{user_id} 15 minutes before' })
  async createAppointment(@Arg('appointment', () => CreateAppointmentInput) appointment: CreateAppointmentInput, @Ctx() ctx: Context) {
    return ctx.services.appointments.create(await ctx.scope(), appointment);
  }

  @Mutation(() => Appointment)
  async updateAppointment(@Arg('id', () => ID) id: string, @Arg('appointment', () => UpdateAppointmentInput) appointment: UpdateAppointmentInput, @Ctx() ctx: Context) {
    return ctx.services.appointments.update(await ctx.scope(), id, appointment);
  }

  @Mutation(() => Boolean)
  async deleteAppointment(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.appointments.remove(await ctx.scope(), id);
  }
}
