/** The Members page (#/members), for owners and admins: people, their roles and sub-accounts, console links. */
export { MembersPage } from './MembersPage';
