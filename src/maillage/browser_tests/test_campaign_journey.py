"""A whole evaluation campaign in the browser: the coordinator opens it, the lead answers two actions
(a draft first), the coordinator sends one back and accepts the other, the lead reads the comment,
then the coordinator writes the report; the DOCX and the PDF are opened and the answers found in them."""

import re
from pathlib import Path

from playwright.sync_api import expect

from maillage.actions.models import Action, ActionChange
from maillage.campaigns.models import Answer, Campaign
from maillage.documents.tests.test_annex import text_of
from maillage.evaluation.models import IndicatorValue

from .steps import axe_check, label, login, screenshot

DONE_FIRST = "Six ateliers numériques ont eu lieu à la maison de quartier, avec douze familles."
DONE_SECOND = "Les cours de français ont repris en octobre : deux groupes, dix-huit personnes."
RETURN_COMMENT = "Précisez combien de familles ont suivi les six ateliers."


def pick(form, text: str):
    """Tick a DSFR radio button as a person does: by clicking its label (the label covers the input)."""
    form.locator("label.fr-label").filter(has_text=re.compile(rf"^\s*{re.escape(text)}\s*$")).click()


def test_a_whole_campaign_from_opening_to_the_report(page, new_context, demo_db, immediate_tasks):
    project = demo_db["clermont-sud"]
    led = list(Action.objects.filter(project=project, leads__user__username="pilote-clermont-sud").order_by("position"))
    first, second = led[0], led[1]
    indicator = first.indicators.filter(kind="quantitative").order_by("position").first()

    # The coordinator opens an annual bilan of the whole plan.
    login(page, "coord-clermont-sud")
    page.goto(f"/projets/{project.slug}/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Évaluations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Campagnes d’évaluation")
    page.locator("#campaign-create").click()
    form = page.locator("#campaign-form")
    form.get_by_label(label("Type de campagne")).select_option("annual")
    form.get_by_label(label("Message aux pilotes")).fill("Merci de répondre avant le comité de pilotage.")
    axe_check(page, "campaign-create")
    page.locator("#campaign-form-submit").click()
    expect(page.get_by_role("heading", name="Questionnaire", level=2)).to_be_visible()
    expect(page.locator("#question-list > li")).to_have_count(9)
    axe_check(page, "campaign-questions")
    page.locator("#to-opening").click()
    expect(page.locator("#preview")).to_contain_text("actions seront interrogées")
    page.locator("#campaign-open").click()
    expect(page.get_by_role("main")).to_contain_text("La campagne est ouverte")
    campaign = Campaign.objects.get(project=project, state=Campaign.State.OPEN)
    assert Answer.objects.filter(campaign=campaign, action__in=led).count() == 3
    screenshot(page, "campaign-opened", full_page=False)

    # The lead finds the questionnaires on the home page, saves a draft, then sends two answers.
    lead = new_context().new_page()
    login(lead, "pilote-clermont-sud")
    mine = lead.locator("section[aria-labelledby='my-questionnaires']")
    expect(mine.get_by_role("heading", name="Mes questionnaires")).to_be_visible()
    for action in led:
        expect(mine).to_contain_text(f"{action.ref} — {action.title}")
    mine.get_by_role("link", name=f"{first.ref} — {first.title}").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text(f"{first.ref} — {first.title}")
    answer_form = lead.locator("#answer-form")
    answer_form.get_by_label(label("1. Qu'est-ce qui a été réalisé ?")).fill("Un premier jet.")
    lead.locator("#answer-save-draft").click()
    expect(lead.get_by_role("main")).to_contain_text("Brouillon enregistré")
    assert Answer.objects.get(campaign=campaign, action=first).state == Answer.State.DRAFT
    answer_form.get_by_label(label("1. Qu'est-ce qui a été réalisé ?")).fill(DONE_FIRST)
    answer_form.get_by_label(label("2. Nombre de personnes touchées")).fill("1 250")
    pick(answer_form, "Co-construction")
    if indicator is not None:
        answer_form.get_by_label(label(indicator.title)).fill("42,5")
    pick(answer_form, "Poursuivre")
    answer_form.get_by_label(label("Pourquoi cette proposition ?")).fill("Les familles en redemandent.")
    axe_check(lead, "campaign-answer-form")
    screenshot(lead, "campaign-answer-form", full_page=False)
    lead.locator("#answer-submit").click()
    expect(lead.get_by_role("main")).to_contain_text("Réponse envoyée à la coordination")
    expect(lead.locator("#answer-form")).to_have_count(0)

    lead.goto("/")
    lead.locator("section[aria-labelledby='my-questionnaires']").get_by_role(
        "link", name=f"{second.ref} — {second.title}"
    ).click()
    answer_form = lead.locator("#answer-form")
    answer_form.get_by_label(label("1. Qu'est-ce qui a été réalisé ?")).fill(DONE_SECOND)
    lead.locator("#answer-submit").click()
    expect(lead.locator("#form-errors")).to_contain_text("La réponse n’a pas été enregistrée")
    expect(lead.get_by_role("main")).to_contain_text("Cette question est obligatoire pour envoyer la réponse.")
    pick(answer_form, "Terminée : objectif atteint")
    lead.locator("#answer-submit").click()
    expect(lead.get_by_role("main")).to_contain_text("Réponse envoyée à la coordination")
    sent = {
        answer.action_id: answer for answer in Answer.objects.filter(campaign=campaign, state=Answer.State.SUBMITTED)
    }
    assert set(sent) == {first.pk, second.pk}

    # The coordinator follows the progress, sends the first back and accepts the second.
    page.goto(f"/projets/{project.slug}/evaluations/{campaign.pk}/suivi/")
    expect(page.locator("#figure-review")).to_contain_text("2")
    axe_check(page, "campaign-progress")
    screenshot(page, "campaign-progress", full_page=False)
    page.locator(f"#answer-row-{sent[first.pk].pk}").get_by_role("link").click()
    expect(page.locator("#answer-read")).to_contain_text(DONE_FIRST)
    page.locator("#return-form").get_by_label(label("Ce qu'il faut compléter ou corriger")).fill(RETURN_COMMENT)
    page.locator("#answer-return").click()
    expect(page.get_by_role("main")).to_contain_text("Réponse renvoyée au pilote")
    page.goto(f"/projets/{project.slug}/evaluations/{campaign.pk}/reponses/{sent[second.pk].pk}/")
    accept_form = page.locator("#accept-form")
    expect(accept_form.get_by_label(label("Statut de l'action après acceptation"))).to_have_value("done")
    axe_check(page, "campaign-review")
    page.locator("#answer-accept").click()
    expect(page.get_by_role("main")).to_contain_text("Réponse acceptée")
    second.refresh_from_db()
    assert second.status == "done"
    assert ActionChange.objects.filter(action=second, kind="status", reason="Bilan annuel 2024 accepté").exists()
    assert Answer.objects.get(campaign=campaign, action=first).state == Answer.State.RETURNED
    assert not IndicatorValue.objects.filter(indicator__action=first).filter(source=campaign.title).exists()

    # The lead reads the coordinator's comment on the answer sent back.
    lead.goto("/")
    lead.locator("section[aria-labelledby='my-questionnaires']").get_by_role(
        "link", name=f"{first.ref} — {first.title}"
    ).click()
    expect(lead.locator("#returned-comment")).to_contain_text(RETURN_COMMENT)
    expect(lead.locator("#answer-form")).to_be_visible()

    # The coordinator writes the report, in DOCX then in PDF, and both hold the accepted answer.
    page.goto(f"/projets/{project.slug}/evaluations/{campaign.pk}/")
    expect(page.locator("#synthesis-proposals")).to_contain_text("Terminée : objectif atteint")
    axe_check(page, "campaign-synthesis")
    texts = {}
    for format in ("docx", "pdf"):
        page.locator(f"#report-{format}").click()
        link = page.locator("#report-export-area a[id^='export-file-']").filter(has_text=f".{format}")
        expect(link).to_be_visible(timeout=60000)
        with page.expect_download() as download:
            link.click()
        texts[format] = text_of(format, Path(download.value.path()).read_bytes())
    screenshot(page, "campaign-report-ready", full_page=False)
    for format, text in texts.items():
        assert "Rapport d'évaluation — Bilan annuel 2024" in text, format
        assert DONE_SECOND in text and "Terminée : objectif atteint" in text, format
        assert f"{second.code or second.ref} — {second.title}" in text or second.title in text, format
        # The answer sent back is named among those without an accepted answer, its text is not reproduced.
        assert "Actions sans réponse acceptée" in text and "Renvoyée au pilote" in text, format
        assert re.sub(r"\s+", " ", first.title) in text, format
        assert DONE_FIRST not in text, format
