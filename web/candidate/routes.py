"""Candidate pages (issue 2): join, rules, questions, end screen."""

from starlette.routing import BaseRoute, Route

from web.candidate import end, exam, join

routes: list[BaseRoute] = [
    Route("/candidat", join.identity_form, methods=["GET"], name="candidate_join"),
    Route("/candidat", join.identity_submit, methods=["POST"], name="candidate_join_submit"),
    Route("/candidat/code", join.code_form, methods=["GET"], name="candidate_code"),
    Route("/candidat/code", join.code_submit, methods=["POST"], name="candidate_code_submit"),
    Route("/candidat/entrer", join.enter_again, methods=["POST"], name="candidate_enter"),
    Route("/candidat/regles", join.rules_form, methods=["GET"], name="candidate_rules"),
    Route("/candidat/regles", join.rules_submit, methods=["POST"], name="candidate_start"),
    Route("/candidat/test", exam.question_page, methods=["GET"], name="candidate_question"),
    Route("/candidat/test/repondre", exam.answer, methods=["POST"], name="candidate_answer"),
    Route("/candidat/test/passer", exam.skip_confirm, methods=["GET"],
          name="candidate_skip_confirm"),
    Route("/candidat/test/passer", exam.skip, methods=["POST"], name="candidate_skip"),
    Route("/candidat/test/signaler", exam.report, methods=["POST"], name="candidate_report"),
    Route("/candidat/test/etat", exam.status, methods=["GET"], name="candidate_status"),
    Route("/candidat/test/sortie", exam.focus_out, methods=["POST"], name="candidate_focus_out"),
    Route("/candidat/fin", end.end_page, methods=["GET"], name="candidate_end"),
]
