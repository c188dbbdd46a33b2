import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.utils.translation import gettext_lazy as _

from accounts.services import normalise_code
from accounts.throttling import USERNAME_MAX_LENGTH

CODE = re.compile(r"^[a-z0-9]{6,16}$")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not CODE.match(code):
            raise forms.ValidationError(_("Enter the 6 digits from your app, or a recovery code of 8 characters."))
        return code


class SetupForm(CodeForm):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=40,
        help_text=_("Enter the 6-digit code the app shows now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "off"}
        ),
    )


class SignInForm(AuthenticationForm):
    """Django's sign-in form with its username bounded by a validator (Django sets only the widget's maxlength).

    A longer name is a form error before anything authenticates it, so django-axes never stores it.
    """

    username = UsernameField(
        label=_("Username"), max_length=USERNAME_MAX_LENGTH, widget=forms.TextInput(attrs={"autofocus": True})
    )
