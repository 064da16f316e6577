import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';

/**
 * A secret shown once (an enrolment link, an API token): only its hash is stored, so this
 * page is the only place it ever appears. `secretId` is the element id tests and people rely on.
 */
export function ShownOncePage(props: {
  ctx: StaffPageContext;
  title: string;
  body: string;
  secretId: string;
  secret: string;
  once: string;
  back: { href: string; text: string };
}) {
  return (
    <StaffLayout ctx={props.ctx} title={props.title}>
      <h1>{props.title}</h1>
      <p>{props.body}</p>
      <p>
        <code id={props.secretId} class="secret">
          {props.secret}
        </code>
      </p>
      <p class="hint">{props.once}</p>
      <p>
        <a href={props.back.href}>{props.back.text}</a>
      </p>
    </StaffLayout>
  );
}
