<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="cy_GB">
  <context>
    <name>BatchWorkbookDialog</name>
    <message>
      <location filename="../../probation_desk/ui/workbook_dialog.py" line="275" />
      <source>A folded booklet is for printing only: its pages are in folding order, so a screen reader cannot follow it. For reading on screen, choose A4 or fillable.</source>
      <translation>Mae llyfryn wedi'i blygu ar gyfer argraffu yn unig: mae ei dudalennau yn nhrefn plygu, felly ni all darllenydd sgrin ei ddilyn. I'w ddarllen ar sgrin, dewiswch A4 neu gopi i'w lenwi.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/workbook_dialog.py" line="330" />
      <source>Replace the workbooks?</source>
      <translation>Disodli'r llyfrau gwaith?</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/workbook_dialog.py" line="331" />
      <source>%1 of these workbooks are already in %2 (for example %3). Replace them? The earlier copies will be lost.</source>
      <translation>Mae %1 o'r llyfrau gwaith hyn yn %2 yn barod (er enghraifft %3). Eu disodli? Bydd y copïau cynharach yn cael eu colli.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/workbook_dialog.py" line="334" />
      <source>&amp;Replace them</source>
      <translation>&amp;Eu disodli</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/workbook_dialog.py" line="334" />
      <source>&amp;Keep them</source>
      <translation>Eu &amp;cadw</translation>
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
      <location filename="../../probation_desk/ui/case_record.py" line="224" />
      <source>History (&amp;Z)</source>
      <translation>Hanes (&amp;Z)</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/case_record.py" line="382" />
      <source>Only closing is allowed</source>
      <translation>Dim ond cau a ganiateir</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/case_record.py" line="572" />
      <source>no time</source>
      <translation>dim amser</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/case_record.py" line="656" />
      <source>The %1 was withdrawn on %2, so this NSI cannot be updated: close it with an outcome, or switch it to an approved toolkit.</source>
      <translation>Cafodd y %1 ei dynnu'n ôl ar %2, felly ni ellir diweddaru'r NSI hwn: caewch ef gyda chanlyniad, neu newidiwch ef i becyn cymorth cymeradwy.</translation>
    </message>
  </context>
  <context>
    <name>Files</name>
    <message>
      <location filename="../../probation_desk/ui/save_folders.py" line="96" />
      <source>%1 already exists. Replace it? What it holds now will be lost.</source>
      <translation>Mae %1 yn bodoli'n barod. Ei disodli? Bydd yr hyn sydd ynddi nawr yn cael ei golli.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/save_folders.py" line="98" />
      <source>Replace the file?</source>
      <translation>Disodli'r ffeil?</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/save_folders.py" line="100" />
      <source>&amp;Replace it</source>
      <translation>&amp;Ei disodli</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/save_folders.py" line="101" />
      <source>&amp;Keep it</source>
      <translation>Ei &amp;chadw</translation>
    </message>
  </context>
  <context>
    <name>GuideDialog</name>
    <message>
      <location filename="../../probation_desk/ui/guide.py" line="24" />
      <source>Probation Desk user guide</source>
      <translation>Canllaw defnyddiwr Probation Desk</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/guide.py" line="28" />
      <source>The guide</source>
      <translation>Y canllaw</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/guide.py" line="35" />
      <source>The guide could not be read from %1. Ask your IT service desk to reinstall Probation Desk.</source>
      <translation>Nid oedd modd darllen y canllaw o %1. Gofynnwch i'ch desg gwasanaeth TG ailosod Probation Desk.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/guide.py" line="40" />
      <source>Close</source>
      <translation>Cau</translation>
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
      <location filename="../../probation_desk/ui/main_window.py" line="386" />
      <source>%1 of them are on your own caseload (managed by %2).</source>
      <translation>Mae %1 ohonyn nhw ar eich llwyth achosion eich hun (a reolir gan %2).</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/main_window.py" line="469" />
      <source>Language</source>
      <translation>Iaith</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/main_window.py" line="470" />
      <source>Probation Desk will speak %1 from its next start. Restart it now?</source>
      <translation>Bydd Probation Desk yn siarad %1 o'r tro nesaf y bydd yn dechrau. Ei ailgychwyn nawr?</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/main_window.py" line="472" />
      <source>&amp;Restart now</source>
      <translation>&amp;Ailgychwyn nawr</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/main_window.py" line="473" />
      <source>&amp;Later</source>
      <translation>&amp;Wedyn</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/shell/database.py" line="259" />
      <source>Not seeing other people's changes: the team database cannot be reached. Trying again…</source>
      <translation>Ddim yn gweld newidiadau pobl eraill: does dim modd cyrraedd cronfa ddata'r tîm. Yn ceisio eto…</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/shell/database.py" line="263" />
      <source>Seeing other people's changes again; the lists were read afresh.</source>
      <translation>Yn gweld newidiadau pobl eraill eto; darllenwyd y rhestrau o'r newydd.</translation>
    </message>
  </context>
  <context>
    <name>Menus</name>
    <message>
      <location filename="../../probation_desk/ui/shell/menus.py" line="117" />
      <source>&amp;User guide</source>
      <translation>&amp;Canllaw defnyddiwr</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/shell/menus.py" line="119" />
      <source>What each section is for, the keys, and who to ask (F1)</source>
      <translation>Beth yw diben pob adran, yr allweddi, a phwy i'w holi (F1)</translation>
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
      <location filename="../../probation_desk/ui/dialogs.py" line="290" />
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
    <message>
      <location filename="../../probation_desk/ui/dialogs.py" line="219" />
      <source>Database</source>
      <translation>Cronfa ddata</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/dialogs.py" line="220" />
      <source>Your role</source>
      <translation>Eich rôl</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/dialogs.py" line="221" />
      <source>Your region</source>
      <translation>Eich rhanbarth</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/dialogs.py" line="222" />
      <source>Large print</source>
      <translation>Print bras</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/dialogs.py" line="223" />
      <source>Show the CRN</source>
      <translation>Dangos y CRN</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/dialogs.py" line="227" />
      <source>Set by %1 for everyone using this computer (%2): it cannot be changed here.</source>
      <translation>Wedi'i osod gan %1 i bawb sy'n defnyddio'r cyfrifiadur hwn (%2): ni ellir ei newid yma.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/dialogs.py" line="237" />
      <source>%1: set by %2 for everyone using this computer, so not changed here.</source>
      <translation>%1: wedi'u gosod gan %2 i bawb sy'n defnyddio'r cyfrifiadur hwn, felly ni chânt eu newid yma.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/dialogs.py" line="240" />
      <source>Settings set by IT</source>
      <translation>Gosodiadau a osodwyd gan TG</translation>
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
      <location filename="../../probation_desk/ui/week.py" line="101" />
      <source>Appointments this week</source>
      <translation>Apwyntiadau'r wythnos hon</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="106" />
      <source>&amp;Record outcome…</source>
      <translation>&amp;Cofnodi canlyniad…</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="108" />
      <source>&amp;Open the record</source>
      <translation>&amp;Agor y cofnod</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="113" />
      <source>Nothing to show</source>
      <translation>Dim i'w ddangos</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="152" />
      <source>everyone's</source>
      <translation>pawb</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="152" />
      <source>my caseload's</source>
      <translation>fy llwyth achosion</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="153" />
      <source>Week of %1 to %2 (%3 appointments)</source>
      <translation>Wythnos %1 i %2 (apwyntiadau %3)</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="158" />
      <source>Outcomes to record (%1): past appointments with no outcome yet</source>
      <translation>Canlyniadau i'w cofnodi (%1): apwyntiadau a fu heb ganlyniad eto</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="165" />
      <source> (today)</source>
      <translation> (heddiw)</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="167" />
      <source>: no appointments</source>
      <translation>: dim apwyntiadau</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="179" />
      <source>No appointments this week and no outcomes waiting. Book appointments on a person's record (Orders &amp;&amp; RAR), or tick Everyone's to see the whole caseload's.</source>
      <translation>Dim apwyntiadau'r wythnos hon a dim canlyniadau'n aros. Trefnwch apwyntiadau ar gofnod person (Gorchmynion &amp;&amp; RAR), neu ticiwch Pawb i weld y llwyth achosion cyfan.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="182" />
      <source>Nobody has appointments this week, and no outcomes are waiting.</source>
      <translation>Does gan neb apwyntiadau'r wythnos hon, a does dim canlyniadau'n aros.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="200" />
      <source>no time given</source>
      <translation>dim amser</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="201" />
      <source> (RAR)</source>
      <translation> (RAR)</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="203" />
      <source>Cancelled</source>
      <translation>Wedi'i ganslo</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="205" />
      <source>Needs an outcome</source>
      <translation>Angen canlyniad</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/week.py" line="207" />
      <source>Booked</source>
      <translation>Wedi'i drefnu</translation>
    </message>
  </context>
  <context>
    <name>WhatIfDialog</name>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="54" />
      <source>NSI</source>
      <translation>NSI</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="54" />
      <source>CRN</source>
      <translation>CRN</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="55" />
      <source>Name</source>
      <translation>Enw</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="55" />
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="132" />
      <source>Region</source>
      <translation>Rhanbarth</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="56" />
      <source>Practitioner</source>
      <translation>Ymarferydd</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="57" />
      <source>Status</source>
      <translation>Statws</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="57" />
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="63" />
      <source>Referred</source>
      <translation>Atgyfeiriwyd</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="58" />
      <source>Expected end</source>
      <translation>Diwedd disgwyliedig</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="59" />
      <source>Would need</source>
      <translation>Byddai angen</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="64" />
      <source>In progress</source>
      <translation>Ar y gweill</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="65" />
      <source>Completed</source>
      <translation>Wedi'i gwblhau</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="66" />
      <source>Ended early</source>
      <translation>Daeth i ben yn gynnar</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="75" />
      <source>Only a regional lead or an administrator can ask what a withdrawal would touch. You are signed in as %1: change your role in Settings if that is wrong.</source>
      <translation>Dim ond arweinydd rhanbarthol neu weinyddwr all holi beth y byddai tynnu'n ôl yn effeithio arno. Rydych wedi mewngofnodi fel %1: newidiwch eich rôl yn y Gosodiadau os yw hynny'n anghywir.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="86" />
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="106" />
      <source>What if a toolkit were withdrawn</source>
      <translation>Beth petai pecyn cymorth yn cael ei dynnu'n ôl</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="111" />
      <source>Choose a toolkit and the dates its withdrawal might have, to see which open NSIs would need closing or switching to an approved toolkit, by region and practitioner. This only looks: nothing is changed.</source>
      <translation>Dewiswch becyn cymorth a'r dyddiadau y gallai gael ei dynnu'n ôl, i weld pa NSIs agored y byddai angen eu cau neu eu newid i becyn cymorth cymeradwy, fesul rhanbarth ac ymarferydd. Edrych yn unig y mae hyn: does dim yn cael ei newid.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="115" />
      <source>About this question</source>
      <translation>Am y cwestiwn hwn</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="122" />
      <source>Toolkit</source>
      <translation>Pecyn cymorth</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="124" />
      <source>Withdrawn on</source>
      <translation>Tynnwyd yn ôl ar</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="126" />
      <source>Close-by date</source>
      <translation>Dyddiad cau erbyn</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="128" />
      <source>All regions</source>
      <translation>Pob rhanbarth</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="140" />
      <source>&amp;Toolkit</source>
      <translation>&amp;Pecyn cymorth</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="141" />
      <source>&amp;Withdrawn on</source>
      <translation>&amp;Tynnwyd yn ôl ar</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="142" />
      <source>Clos&amp;e-by date</source>
      <translation>Dyddiad ca&amp;u erbyn</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="143" />
      <source>Re&amp;gion</source>
      <translation>&amp;Rhanbarth</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="147" />
      <source>&amp;Show what it would touch</source>
      <translation>&amp;Dangos beth y byddai'n effeithio arno</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="153" />
      <source>The answer</source>
      <translation>Yr ateb</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="158" />
      <source>Region and practitioner</source>
      <translation>Rhanbarth ac ymarferydd</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="159" />
      <source>Would need closing or switching</source>
      <translation>Byddai angen eu cau neu eu newid</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="160" />
      <source>Counts by region and practitioner</source>
      <translation>Niferoedd fesul rhanbarth ac ymarferydd</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="165" />
      <source>Open NSIs on the toolkit</source>
      <translation>NSIs agored ar y pecyn cymorth</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="182" />
      <source>Save as &amp;CSV…</source>
      <translation>Cadw fel &amp;CSV…</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="188" />
      <source>Close</source>
      <translation>Cau</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="226" />
      <source>Every toolkit is already withdrawn: there is nothing to ask about.</source>
      <translation>Mae pob pecyn cymorth wedi'i dynnu'n ôl yn barod: does dim i holi amdano.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="231" />
      <source>%1: type the date as day/month/year, for example 29/07/2026.</source>
      <translation>%1: teipiwch y dyddiad fel diwrnod/mis/blwyddyn, er enghraifft 29/07/2026.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="242" />
      <source>Looking…</source>
      <translation>Yn edrych…</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="260" />
      <source> in %1</source>
      <translation> yn %1</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="267" />
      <source>If the %1 toolkit were withdrawn on %2 with a close-by date of %3: %4 open NSIs on it%5, %6 of them not expected to end by then (they would need closing or switching to an approved toolkit). Nothing was changed.</source>
      <translation>Petai pecyn cymorth %1 yn cael ei dynnu'n ôl ar %2 gyda dyddiad cau erbyn %3: %4 NSI agored arno%5, a disgwylir na fydd %6 ohonynt wedi dod i ben erbyn hynny (byddai angen eu cau neu eu newid i becyn cymorth cymeradwy). Ni newidiwyd dim.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="278" />
      <source>(no practitioner)</source>
      <translation>(dim ymarferydd)</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="282" />
      <source>None: every open NSI on it is expected to end by the close-by date.</source>
      <translation>Dim: disgwylir i bob NSI agored arno ddod i ben erbyn y dyddiad cau.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="283" />
      <source>None: there are no open NSIs on it.</source>
      <translation>Dim: does dim NSIs agored arno.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="288" />
      <source>Closing or switching</source>
      <translation>Eu cau neu eu newid</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="289" />
      <source>Nothing (ends in time)</source>
      <translation>Dim (yn dod i ben mewn pryd)</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="296" />
      <source>not set</source>
      <translation>heb ei osod</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="310" />
      <source>Save the list as</source>
      <translation>Cadw'r rhestr fel</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="311" />
      <source>CSV files (*.csv)</source>
      <translation>Ffeiliau CSV (*.csv)</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="322" />
      <source>Saved</source>
      <translation>Wedi'i gadw</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/what_if_dialog.py" line="322" />
      <source>The list is saved in %1.</source>
      <translation>Mae'r rhestr wedi'i chadw yn %1.</translation>
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
  <context>
    <name>WorklistPage</name>
    <message>
      <location filename="../../probation_desk/ui/worklist.py" line="195" />
      <source>What &amp;if…</source>
      <translation>Beth &amp;petai…</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/worklist.py" line="197" />
      <source>What a toolkit's withdrawal would touch, before it happens: the open NSIs that would need closing or switching, by region and practitioner. It changes nothing. For regional leads and administrators.</source>
      <translation>Beth y byddai tynnu pecyn cymorth yn ôl yn effeithio arno, cyn iddo ddigwydd: yr NSIs agored y byddai angen eu cau neu eu newid, fesul rhanbarth ac ymarferydd. Nid yw'n newid dim. Ar gyfer arweinwyr rhanbarthol a gweinyddwyr.</translation>
    </message>
    <message>
      <location filename="../../probation_desk/ui/worklist.py" line="200" />
      <source>What if a toolkit were withdrawn</source>
      <translation>Beth petai pecyn cymorth yn cael ei dynnu'n ôl</translation>
    </message>
  </context>
</TS>