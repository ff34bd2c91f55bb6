"""Who may do what with a campaign, on top of ``maillage.accounts.access`` (roles → permissions).

- Coordinators (``Access.can_manage``) prepare, open, follow, remind, review, and may answer for a lead.
- An answer is written by its expected leads (the people named when the campaign opened, through the
  account linked to their directory entry) or by whoever may edit the action now (a lead named since).
- Every member reads the campaigns that are open or closed, their synthesis and their *accepted*
  answers; drafts and answers under review are for the coordinators and the answer's own leads.
"""

from .models import Answer, Campaign


def is_respondent(answer: Answer, user) -> bool:
    if not user.is_authenticated:
        return False
    return answer.respondents.filter(user=user).exists()


def may_answer(access, answer: Answer, respondent: bool) -> bool:
    """May write this answer (when the campaign and the answer's state allow writing at all)."""
    if not access.is_member:
        return False
    return access.can_manage or respondent or access.can_edit_action(answer.action)


def may_see(access, answer: Answer, respondent: bool) -> bool:
    if may_answer(access, answer, respondent):
        return True
    return access.is_member and answer.state == Answer.State.ACCEPTED and answer.campaign.state != Campaign.State.DRAFT


def may_see_campaign(access, campaign: Campaign) -> bool:
    """A campaign in preparation is the coordinators' work in progress."""
    return access.can_manage or (access.is_member and not campaign.is_draft)
