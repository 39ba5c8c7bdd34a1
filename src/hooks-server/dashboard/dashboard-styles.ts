/**
 * The dashboard's only stylesheet, inline so nothing is fetched from elsewhere. Colours keep at
 * least 4.5:1 contrast on white; a phase is always written out, never shown by colour alone.
 */
export const dashboardStyles = `
:root { color: #1a1a1a; background: #fff; font: 15px/1.45 system-ui, sans-serif; }
body { margin: 0; }
a { color: #0b4fa8; }
header { display: flex; align-items: center; justify-content: space-between; padding: .6rem 1.2rem; background: #0f2a4a; color: #fff; }
header a { color: #fff; }
header button { color: #fff; background: transparent; border: 1px solid #fff; border-radius: 3px; }
main { padding: 1rem 1.2rem; max-width: 110rem; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: .5rem; background: #fff; color: #000; padding: .3rem; }
:focus-visible { outline: 3px solid #c25e00; outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1.4rem; }
caption { text-align: left; font-weight: 600; font-size: 1.1rem; padding: .3rem 0; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #c8c8c8; vertical-align: top; }
th { background: #eef1f5; }
code { font-size: .9em; word-break: break-all; }
.phase { font-weight: 600; padding: 0 .3rem; border: 1px solid currentColor; border-radius: 3px; white-space: nowrap; }
.phase-Pending { color: #8a4b00; } .phase-Completed { color: #1d6b2f; }
.phase-Failed, .phase-RolledBack, .phase-Rejected { color: #a1161d; }
form.inline { display: inline-flex; gap: .3rem; margin: 0; }
button { font: inherit; padding: .2rem .6rem; cursor: pointer; }
.notice { padding: .5rem .8rem; border: 2px solid #1d6b2f; margin-bottom: 1rem; }
.refusal { padding: .5rem .8rem; border: 2px solid #a1161d; margin-bottom: 1rem; }
fieldset { border: 1px solid #c8c8c8; display: flex; flex-wrap: wrap; gap: 1rem; align-items: end; }
label { display: flex; flex-direction: column; font-weight: 600; }
textarea { width: 100%; max-width: 48rem; font-family: monospace; }
`;
