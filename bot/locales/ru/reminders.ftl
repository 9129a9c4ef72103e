## Reminders and warnings the scheduler sends (bot/domain/reminders.py)

# Meetings; $meeting is meet-description, $minutes counted when the reminder is sent
remind-meeting-day = 📅 Завтра встреча с { INS($other) }: { $meeting }.
remind-meeting-hour = ⏰ Через { $minutes ->
    [60] час
   *[other] { $minutes } { $minutes ->
        [one] минуту
        [few] минуты
       *[many] минут
    }
} встреча с { INS($other) }: { $meeting }.
remind-meeting-unanswered = ⏳ { $other } пока не { GENDER($other) ->
    [female] ответила
   *[other] ответил
} на приглашение: { $meeting }. Можно напомнить лично или отменить встречу.

# Milestones of the plan
remind-milestone-week = 📌 Через неделю, { $due }, срок этапа плана «{ $title }».
remind-milestone-day = 📌 Завтра, { $due }, срок этапа плана «{ $title }».
remind-milestone-overdue = ⚠️ Этап плана «{ $title }» просрочен: срок был { $due }, прошло { $days } { $days ->
    [one] день
    [few] дня
   *[many] дней
}.
remind-milestone-overdue-mentor = ⚠️ У { GEN($mentee) } просрочен этап плана «{ $title }»: срок был { $due }, прошло { $days } { $days ->
    [one] день
    [few] дня
   *[many] дней
}.
remind-milestone-review = 🕒 { $mentee } { GENDER($mentee) ->
    [female] сдала
   *[other] сдал
} этап «{ $title }» { $days } { $days ->
    [one] день
    [few] дня
   *[many] дней
} назад: он ждёт вашего решения.
remind-button-open-milestone = 📋 Открыть этап

# Questions; $text is the question's beginning, $waited how long it has waited (said when sent)
remind-question-waits = 💬 Вопрос от { GEN($mentee) } ждёт ответа { $waited }: «{ $text }».
remind-question-escalate-waits = ⚠️ Вопрос { GEN($mentee) } наставнику { DAT($mentor) } без ответа { $waited }: «{ $text }».
waited-hours = { $hours } { $hours ->
    [one] час
    [few] часа
   *[many] часов
}
waited-days = { $days } { $days ->
    [one] день
    [few] дня
   *[many] дней
}
# The same as rows queued before the wait was said in days past two days keep them:
remind-question = 💬 Вопрос от { GEN($mentee) } ждёт ответа { $hours } { $hours ->
    [one] час
    [few] часа
   *[many] часов
}: «{ $text }».
remind-question-escalate = ⚠️ Вопрос { GEN($mentee) } наставнику { DAT($mentor) } без ответа { $hours } { $hours ->
    [one] час
    [few] часа
   *[many] часов
}: «{ $text }».

# The plan two weeks after the pair started ($start); $waiting: yes when it waits for approval
remind-plan-not-submitted = 📋 Пара с { INS($mentee) } началась { $start }, а индивидуальный план ещё не отправлен на утверждение. Заполните его и отправьте методисту.
remind-plan-not-approved = 📋 Пара с { INS($mentee) } началась { $start }, а индивидуальный план ещё не утверждён: он ждёт решения методиста.
remind-plan-late-admin = 📋 Пара { $mentor } — { $mentee } началась { $start }, а план { $waiting ->
    [yes] ждёт вашего утверждения
   *[no] ещё не отправлен на утверждение
}.

# No held meeting for INACTIVITY_DAYS; $held: yes when the pair has held one before, entered when
# it has none and was entered in the bot after it began (counted from then), else no
remind-pair-inactive-mentor = 💤 С { INS($mentee) } не было встреч { $days } { $days ->
    [one] день
    [few] дня
   *[many] дней
}{ $held ->
    [yes] {""}
    [entered] {" "}— с тех пор как пара появилась в боте
   *[no] {" "}— с начала наставничества
}. Назначьте встречу: /meet
remind-pair-inactive-mentee = 💤 С наставником { INS($mentor) } не было встреч { $days } { $days ->
    [one] день
    [few] дня
   *[many] дней
}{ $held ->
    [yes] {""}
    [entered] {" "}— с тех пор как пара появилась в боте
   *[no] {" "}— с начала наставничества
}. Назначьте встречу: /meet
# … and when a meeting that took place waits for «Состоялась ли?»: that question, with its buttons
remind-pair-unmarked-mentor = 📝 Состоялась ли встреча с { INS($mentee) }? { $meeting }. Пока её не отметили, в журнале пары нет встреч уже { $days } { $days ->
    [one] день
    [few] дня
   *[many] дней
}.
remind-pair-unmarked-mentee = 📝 Состоялась ли встреча с наставником { INS($mentor) }? { $meeting }. Пока её не отметили, в журнале пары нет встреч уже { $days } { $days ->
    [one] день
    [few] дня
   *[many] дней
}.
remind-pair-inactive-admin = ⚠️ В паре { $mentor } — { $mentee } нет проведённых встреч { $days } { $days ->
    [one] день
    [few] дня
   *[many] дней
}.

# The pair's end: the final report
remind-final-report-month = 🗂 Через месяц, { $end }, заканчивается период наставничества. Пора готовить итоговый отчёт.
remind-final-report-week = 🗂 Через неделю, { $end }, заканчивается период наставничества: сдайте итоговый отчёт.

remind-button-open-plan = 📋 Открыть план
remind-button-pair-card = 👥 Карточка пары
remind-button-journal = 📒 Журнал встреч
