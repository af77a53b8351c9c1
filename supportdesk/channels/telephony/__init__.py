"""Telephony in: a neutral call-event webhook and the Mango Office adapter; call records
turned into requests or linked to one by an agent (docs/telephony.md)."""
