<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="cy_GB">
  <context>
    <name>BatchWorkbookDialog</name>
    <message>
      <location filename="../../probation_desk/ui/workbook_dialog.py" line="268" />
      <source>A folded booklet is for printing only: its pages are in folding order, so a screen reader cannot follow it. For reading on screen, choose A4 or fillable.</source>
      <translation>Mae llyfryn wedi'i blygu ar gyfer argraffu yn unig: mae ei dudalennau yn nhrefn plygu, felly ni all darllenydd sgrin ei ddilyn. I'w ddarllen ar sgrin, dewiswch A4 neu gopi i'w lenwi.</translation>
    </message>
  </context>
  <context>
    <name>CaseRecord</name>
    <message>
      <location filename="../../probation_desk/ui/record_actions.py" line="196" />
      <source>Open a person's record first: choose them in the caseload and press Return, then choose the appointment.</source>
      <translation>Agorwch gofnod person yn gyntaf: dewiswch nhw yn y llwyth achosion a phwyso Return, yna dewiswch yr apwyntiad.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/record_actions.py" line="200" />
      <source>Choose the appointment first: pick it in the list of appointments and contacts on the Orders &amp;&amp; RAR tab (now shown), then press Ctrl+Shift+O again.</source>
      <translation>Dewiswch yr apwyntiad yn gyntaf: dewiswch ef yn y rhestr o apwyntiadau a chysylltiadau ar y tab Gorchmynion &amp;&amp; RAR (sydd i'w weld nawr), yna pwyswch Ctrl+Shift+O eto.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/record_actions.py" line="205" />
      <source>That appointment was cancelled, so it has no outcome to record. Choose another appointment.</source>
      <translation>Cafodd yr apwyntiad hwnnw ei ganslo, felly does dim canlyniad i'w gofnodi. Dewiswch apwyntiad arall.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/record_actions.py" line="209" />
      <source>Record outcome</source>
      <translation>Cofnodi canlyniad</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/case_record.py" line="223" />
      <source>History (&amp;Z)</source>
      <translation>Hanes (&amp;Z)</translation>
    </message>
  </context>
  <context>
    <name>HistoryPanel</name>
    <message>
      <location filename="../../probation_desk/ui/history_panel.py" line="30" />
      <source>When</source>
      <translation>Pryd</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/history_panel.py" line="30" />
      <source>Who</source>
      <translation>Pwy</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/history_panel.py" line="31" />
      <source>What</source>
      <translation>Beth</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/history_panel.py" line="32" />
      <source>Before → after</source>
      <translation>Cyn → ar ôl</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/history_panel.py" line="51" />
      <source>History</source>
      <translation>Hanes</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/history_panel.py" line="52" />
      <source>Every change to this record, newest first: who made it, when, and what it was before and after. Nothing here can be changed.</source>
      <translation>Pob newid i'r cofnod hwn, y diweddaraf yn gyntaf: pwy a'i gwnaeth, pryd, a beth oedd cyn ac ar ôl. Ni ellir newid dim yma.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/history_panel.py" line="58" />
      <source>Changes to this record</source>
      <translation>Newidiadau i'r cofnod hwn</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="../../probation_desk/ui/main_window.py" line="207" />
      <source>&amp;Open the record</source>
      <translation>&amp;Agor y cofnod</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/main_window.py" line="463" />
      <source>Language</source>
      <translation>Iaith</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/main_window.py" line="464" />
      <source>Probation Desk will speak %1 from its next start. Restart it now?</source>
      <translation>Bydd Probation Desk yn siarad %1 o'r tro nesaf y bydd yn dechrau. Ei ailgychwyn nawr?</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/main_window.py" line="466" />
      <source>&amp;Restart now</source>
      <translation>&amp;Ailgychwyn nawr</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/main_window.py" line="467" />
      <source>&amp;Later</source>
      <translation>&amp;Wedyn</translation>
    </message>
  </context>
  <context>
    <name>QGnomeTheme</name>
    <message>
      <source>&amp;OK</source>
      <translation>&amp;Iawn</translation>
    </message>
    <message>
      <source>&amp;Save</source>
      <translation>&amp;Cadw</translation>
    </message>
    <message>
      <source>&amp;Cancel</source>
      <translation>&amp;Diddymu</translation>
    </message>
    <message>
      <source>&amp;Close</source>
      <translation>C&amp;au</translation>
    </message>
    <message>
      <source>Close without Saving</source>
      <translation>Cau heb gadw</translation>
    </message>
  </context>
  <context>
    <name>QPlatformTheme</name>
    <message>
      <source>OK</source>
      <translation>Iawn</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>Cadw</translation>
    </message>
    <message>
      <source>Save All</source>
      <translation>Cadw'r cyfan</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>Agor</translation>
    </message>
    <message>
      <source>&amp;Yes</source>
      <translation>&amp;Ie</translation>
    </message>
    <message>
      <source>Yes to &amp;All</source>
      <translation>Ie i'r c&amp;yfan</translation>
    </message>
    <message>
      <source>&amp;No</source>
      <translation>&amp;Na</translation>
    </message>
    <message>
      <source>N&amp;o to All</source>
      <translation>Na i'r cyfa&amp;n</translation>
    </message>
    <message>
      <source>Abort</source>
      <translation>Rhoi'r gorau iddi</translation>
    </message>
    <message>
      <source>Retry</source>
      <translation>Ceisio eto</translation>
    </message>
    <message>
      <source>Ignore</source>
      <translation>Anwybyddu</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>Cau</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>Diddymu</translation>
    </message>
    <message>
      <source>Discard</source>
      <translation>Taflu</translation>
    </message>
    <message>
      <source>Help</source>
      <translation>Cymorth</translation>
    </message>
    <message>
      <source>Apply</source>
      <translation>Rhoi ar waith</translation>
    </message>
    <message>
      <source>Reset</source>
      <translation>Ailosod</translation>
    </message>
    <message>
      <source>Restore Defaults</source>
      <translation>Adfer y rhagosodiadau</translation>
    </message>
  </context>
  <context>
    <name>Settings</name>
    <message>
      <location filename="../../probation_desk/ui/dialogs.py" line="279" />
      <source>Language</source>
      <translation>Iaith</translation>
    </message>
  </context>
  <context>
    <name>SettingsDialog</name>
    <message>
      <location filename="../../probation_desk/ui/dialogs.py" line="194" />
      <source>Lang&amp;uage</source>
      <translation>Iai&amp;th</translation>
    </message>
  </context>
  <context>
    <name>WeekPage</name>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="41" />
      <source>When</source>
      <translation>Pryd</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="41" />
      <source>CRN</source>
      <translation>CRN</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="42" />
      <source>Name</source>
      <translation>Enw</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="42" />
      <source>Appointment</source>
      <translation>Apwyntiad</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="43" />
      <source>Outcome</source>
      <translation>Canlyniad</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="71" />
      <source>My week</source>
      <translation>Fy wythnos</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="78" />
      <source>&amp;Previous week</source>
      <translation>Yr wythnos &amp;flaenorol</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="79" />
      <source>&amp;This week</source>
      <translation>Yr wythnos &amp;hon</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="80" />
      <source>&amp;Next week</source>
      <translation>Yr wythnos &amp;nesaf</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="81" />
      <source>&amp;Everyone's, not only my caseload</source>
      <translation>Pawb, nid fy llwyth achosion &amp;yn unig</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="83" />
      <source>The week shown</source>
      <translation>Yr wythnos a ddangosir</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="100" />
      <source>Appointments this week</source>
      <translation>Apwyntiadau'r wythnos hon</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="105" />
      <source>&amp;Record outcome…</source>
      <translation>&amp;Cofnodi canlyniad…</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="107" />
      <source>&amp;Open the record</source>
      <translation>&amp;Agor y cofnod</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="112" />
      <source>Nothing to show</source>
      <translation>Dim i'w ddangos</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="151" />
      <source>everyone's</source>
      <translation>pawb</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="151" />
      <source>my caseload's</source>
      <translation>fy llwyth achosion</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="152" />
      <source>Week of %1 to %2 (%3 appointments)</source>
      <translation>Wythnos %1 i %2 (apwyntiadau %3)</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="157" />
      <source>Outcomes to record (%1): past appointments with no outcome yet</source>
      <translation>Canlyniadau i'w cofnodi (%1): apwyntiadau a fu heb ganlyniad eto</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="164" />
      <source> (today)</source>
      <translation> (heddiw)</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="166" />
      <source>: no appointments</source>
      <translation>: dim apwyntiadau</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="178" />
      <source>No appointments this week and no outcomes waiting. Book appointments on a person's record (Orders &amp;&amp; RAR), or tick Everyone's to see the whole caseload's.</source>
      <translation>Dim apwyntiadau'r wythnos hon a dim canlyniadau'n aros. Trefnwch apwyntiadau ar gofnod person (Gorchmynion &amp;&amp; RAR), neu ticiwch Pawb i weld y llwyth achosion cyfan.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="181" />
      <source>Nobody has appointments this week, and no outcomes are waiting.</source>
      <translation>Does gan neb apwyntiadau'r wythnos hon, a does dim canlyniadau'n aros.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="199" />
      <source>no time given</source>
      <translation>dim amser</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="200" />
      <source> (RAR)</source>
      <translation> (RAR)</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="202" />
      <source>Cancelled</source>
      <translation>Wedi'i ganslo</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="204" />
      <source>Needs an outcome</source>
      <translation>Angen canlyniad</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="206" />
      <source>Booked</source>
      <translation>Wedi'i drefnu</translation>
    </message>
  </context>
  <context>
    <name>WorkbookDialog</name>
    <message>
      <location filename="../../probation_desk/ui/workbook_dialog.py" line="122" />
      <source>A folded booklet is for printing only: its pages are in folding order, so a screen reader cannot follow it. For reading on screen, choose A4 or fillable.</source>
      <translation>Mae llyfryn wedi'i blygu ar gyfer argraffu yn unig: mae ei dudalennau yn nhrefn plygu, felly ni all darllenydd sgrin ei ddilyn. I'w ddarllen ar sgrin, dewiswch A4 neu gopi i'w lenwi.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/workbook_dialog.py" line="140" />
      <source>Workbook language</source>
      <translation>Iaith y llyfr gwaith</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/workbook_dialog.py" line="141" />
      <source>Lan&amp;guage</source>
      <translation>I&amp;aith</translation>
    </message>
  </context>
</TS>