import { Arg, Args, ArgsType, Ctx, Field, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Department, DepartmentMembership, DepartmentPage } from '../schema/department.type';
import { CreateDepartmentInput, UpdateDepartmentInput } from '../schema/department.input';
import { PageArgs } from '../schema/common.type';
import { UserPage } from '../schema/user.type';
import type { Context } from '../context';

@ArgsType()
class DepartmentListArgs extends PageArgs {
  @Field({ nullable: true }) isActive?: boolean;
}

@Resolver(() => Department)
export class DepartmentResolver {
  @Query(() => DepartmentPage)
  async departments(@Args(() => DepartmentListArgs) args: DepartmentListArgs, @Ctx() ctx: Context) {
    return ctx.services.departments.list(await ctx.scope(), args);
  }

  @Query(() => Department)
  async department(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.departments.get(await ctx.scope(), id);
  }

  @Query(() => UserPage, { description: 'Members of a department (supervisor)' })
  async departmentMembers(@Arg('id', () => ID) id: string, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return ctx.services.departments.members(await ctx.scope(), id, args);
  }

  @Mutation(() => Department)
  async createDepartment(@Arg('department', () => CreateDepartmentInput) department: CreateDepartmentInput, @Ctx() ctx: Context) {
    return ctx.services.departments.create(await ctx.scope(), department);
  }

  @Mutation(() => Department)
  async updateDepartment(
    @Arg('id', () => ID) id: string,
    @Arg('department', () => UpdateDepartmentInput) department: UpdateDepartmentInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.departments.update(await ctx.scope(), id, department);
  }

  @Mutation(() => Department, { description: 'Deactivates the department' })
  async deleteDepartment(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.departments.remove(await ctx.scope(), id);
  }

  @Mutation(() => DepartmentMembership)
  async addDepartmentMember(@Arg('id', () => ID) id: string, @Arg('userId', () => ID) userId: string, @Ctx() ctx: Context) {
    return ctx.services.departments.addMember(await ctx.scope(), id, userId);
  }

  @Mutation(() => DepartmentMembership)
  async removeDepartmentMember(@Arg('id', () => ID) id: string, @Arg('userId', () => ID) userId: string, @Ctx() ctx: Context) {
    return ctx.services.departments.removeMember(await ctx.scope(), id, userId);
  }
}
