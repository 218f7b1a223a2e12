#!/usr/bin/env python3
"""Writes tests/fixtures/presets/: one export per vendor preset, in the vendor's
layout (headers, quoting, encoding, date and number forms), with invented people.

The CSV files are plain text and could be edited by hand; this script exists for
the binary ones (UTF-16, ISO-8859-1, XLSX, XLS) and so that all can be rebuilt.
Needs openpyxl and xlwt (pip install openpyxl xlwt). Run from the repository root.
"""
import csv
import datetime as dt
import io
import os

OUT = "tests/fixtures/presets"


def write_csv(name, rows, encoding="utf-8", delimiter=",", quoting=csv.QUOTE_MINIMAL, bom=False, tail=""):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator="\r\n")
    for r in rows:
        w.writerow(r)
    text = buf.getvalue() + tail
    data = text.encode(encoding)
    if bom and encoding == "utf-8":
        data = b"\xef\xbb\xbf" + data
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def hubspot():
    # New property labels; a company "Create Date" beside the contact's.
    write_csv("hubspot-contacts.csv", [
        ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Contact owner", "Create Date",
         "Lead Status", "Lifecycle Stage", "Original Source", "Original Source Drill-Down 1",
         "Original Source Drill-Down 2", "Owner assigned date", "Date of first engagement",
         'Date entered "Sales Qualified Lead (Lifecycle Stage Pipeline)"',
         'Date entered "Opportunity (Lifecycle Stage Pipeline)"',
         'Date entered "Customer (Lifecycle Stage Pipeline)"',
         "Became a Marketing Qualified Lead Date", "Lead response time (HH:mm:ss)", "Create Date", "City"],
        ["51234001", "Priya", "Shah", " Priya.Shah@Example.in ", "+91 98765 43210", "Aman Verma", "2026-11-16 10:05",
         "Connected", "salesqualifiedlead", "Paid Social", "Facebook", "diwali-kitchens", "2026-11-16 10:06",
         "2026-11-16 10:12", "2026-11-17 11:00", "", "", "2026-11-16 10:05", "00:06:00", "2025-01-02 09:00", "Pune"],
        ["51234002", "Rahul", "", "rahul.k@example.com", "09822012345", "Neha Joshi", "2026-11-16 19:40",
         "", "customer", "Organic Search", "google", "", "2026-11-17 09:31",
         "2026-11-17 09:45", "2026-11-17 12:00", "2026-11-18 15:00", "2026-11-20 17:30", "", "", "", "Mumbai"],
        ["51234003", "Sana", "Mirza", "sana@example.org", "", "", "2026-11-17 08:15",
         "Unqualified", "lead", "Direct Traffic", "", "", "", "", "", "", "", "", "", "", ""],
        ["51234004", "Imran", "Ali", "imran@example.net", "98220 99887", "Aman Verma", "2026-11-17 11:00",
         "Waiting on budget", "lead", "Referrals", "", "", "2026-11-17 11:01", "", "", "", "", "", "", "", "Pune"],
    ], quoting=csv.QUOTE_ALL)
    # The older labels: Contact ID, HubSpot Owner, Original Traffic Source, Became a ... Date.
    write_csv("hubspot-contacts-legacy.csv", [
        ["Contact ID", "First Name", "Last Name", "Email", "Phone Number", "HubSpot Owner", "Create Date",
         "Lead Status", "Lifecycle Stage", "Original Traffic Source", "Original Traffic Source Drill-Down 1",
         "Original Traffic Source Drill-Down 2", "Became a Sales Qualified Lead Date", "Became an Opportunity Date",
         "Became a Customer Date", "Last Contacted"],
        ["901", "Anita", "Desai", "anita@example.in", "9812345678", "Neha Joshi", "2026-11-16 12:00",
         "In Progress", "opportunity", "PAID_SEARCH", "google", "brand-kw", "2026-11-16 15:00", "2026-11-18 10:00",
         "", "2026-11-18 10:00"],
        ["902", "Vikram", "Rao", "vikram@example.in", "9812345679", "Aman Verma", "2026-11-16 13:30",
         "Open Deal", "customer", "OFFLINE", "", "", "2026-11-16 16:00", "2026-11-17 10:00", "2026-11-19 11:00", ""],
    ], quoting=csv.QUOTE_ALL)
    write_csv("hubspot-deals.csv", [
        ["Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date", "Create Date", "Deal owner",
         "Associated Contact IDs", "Closed Lost Reason", "Pipeline"],
        ["7001", "Rahul - modular kitchen", "Closed won", "840000", "2026-11-20 17:30", "2026-11-18 15:00",
         "Neha Joshi", "51234002;51234009", "", "Sales Pipeline"],
        ["7002", "Priya - wardrobe", "Appointment scheduled", "120000.50", "", "2026-11-18 10:00", "Aman Verma",
         "51234001", "", "Sales Pipeline"],
        ["7003", "Old deal", "Closed lost", "90000", "2026-11-19 10:00", "2026-11-17 10:00", "Aman Verma",
         "51234004", "Went with a competitor", "Sales Pipeline"],
    ], quoting=csv.QUOTE_ALL)


def salesforce():
    # Data Export: API names, ISO-8859-1, UTC timestamps with milliseconds.
    write_csv("salesforce-Lead.csv", [
        ["Id", "FirstName", "LastName", "Company", "City", "Phone", "MobilePhone", "Email", "LeadSource", "Status",
         "Rating", "OwnerId", "IsConverted", "ConvertedDate", "ConvertedOpportunityId", "CreatedDate",
         "LastModifiedDate", "IsDeleted"],
        ["00Q5g00000AbCd1AAB", "José", "Müller", "Müller Möbel", "München", "+49 89 1234567", "", "jose@example.de",
         "Web", "Working - Contacted", "Hot", "0055g000004XyZ1AAK", "false", "", "", "2026-11-16T04:35:00.000Z",
         "2026-11-16T05:00:00.000Z", "false"],
        ["00Q5g00000AbCd2AAB", "Zoë", "Brontë", "", "Köln", "", "+49 151 23456789", "zoe@example.de",
         "Partner Referral", "Closed - Converted", "Warm", "0055g000004XyZ1AAK", "true", "2026-11-18",
         "0065g00000OpP01AAC", "2026-11-16T09:10:00.000Z", "2026-11-18T10:00:00.000Z", "false"],
        ["00Q5g00000AbCd3AAB", "Émile", "Faure", "Faure SA", "Paris", "", "", "emile@example.fr",
         "Purchased List", "Closed - Not Converted", "Cold", "0055g000004XyZ2AAK", "false", "", "",
         "2026-11-17T11:00:00.000Z", "2026-11-19T11:00:00.000Z", "false"],
    ], encoding="iso-8859-1", quoting=csv.QUOTE_ALL)
    write_csv("salesforce-Opportunity.csv", [
        ["Id", "AccountId", "Name", "StageName", "Amount", "CloseDate", "IsClosed", "IsWon", "CurrencyIsoCode",
         "OwnerId", "CreatedDate", "Loss_Reason__c"],
        ["0065g00000OpP01AAC", "0015g00000Acc01AAA", "Brontë Umbau", "Negotiation/Review", "18500", "2026-11-28",
         "true", "true", "EUR", "0055g000004XyZ1AAK", "2026-11-18T10:00:00.000Z", ""],
        ["0065g00000OpP02AAC", "0015g00000Acc02AAA", "Unlinked", "Closed Lost", "5000", "2026-11-20",
         "true", "false", "USD", "0055g000004XyZ2AAK", "2026-11-17T10:00:00.000Z", "Budget"],
    ], encoding="iso-8859-1", quoting=csv.QUOTE_ALL)
    # A report's "Export details" (label headers, day-first dates) with its footer.
    footer = ('\r\n"Grand Totals (3 records)"\r\n\r\n'
              '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\r\n'
              '"Confidential Information - Do Not Distribute"\r\n'
              '"Generated By:  Aman Verma  21/11/2026 10:15"\r\n"Acme Interiors"\r\n')
    write_csv("salesforce-lead-report.csv", [
        ["Lead Owner", "First Name", "Last Name", "Company / Account", "Lead Source", "Lead Status", "Rating",
         "Email", "Phone", "Create Date", "Lead ID"],
        ["Aman Verma", "Priya", "Shah", "Shah Interiors", "Web", "Open - Not Contacted", "Hot", "priya@example.in",
         "98765 43210", "16/11/2026", "00Q5g00000Rep01"],
        ["Neha Joshi", "Kiran", "Patil", "", "Phone Inquiry", "Working - Contacted", "Warm", "kiran@example.in",
         "098220 12345", "17/11/2026", "00Q5g00000Rep02"],
        ["Neha Joshi", "Dev", "Nair", "Nair & Sons", "Web", "Closed - Not Converted", "", "dev@example.in",
         "", "18/11/2026", "00Q5g00000Rep03"],
    ], quoting=csv.QUOTE_ALL, tail=footer)


def zoho():
    write_csv("zoho-Leads.csv", [
        ["Record Id", "Lead Owner", "First Name", "Last Name", "Email", "Phone", "Mobile", "Lead Source",
         "Lead Status", "Company", "City", "Created Time", "Modified Time"],
        ["zcrm_4876876000000123001", "Aman Verma", "Meera", "Kulkarni", "meera@example.in", "", "9876501234",
         "Facebook", "Contacted", "", "Pune", "15 Nov, 2026 10:03:00", "16 Nov, 2026 11:00:00"],
        ["zcrm_4876876000000123002", "Neha Joshi", "Arjun", "Mehta", "arjun@example.in", "020 2567 8901", "",
         "Web Download", "Contact in Future", "Mehta Builders", "Pune", "16 Nov, 2026 19:45:10", ""],
        ["zcrm_4876876000000123003", "Neha Joshi", "", "Fernandes", "", "", "9876501299", "Chat",
         "Junk Lead", "", "Goa", "17 Nov, 2026 09:00:00", ""],
        ["zcrm_4876876000000123004", "Aman Verma", "Tara", "Singh", "tara@example.in", "", "9876501300",
         "Cold Call", "Hot Prospect", "", "Delhi", "17 Nov, 2026 12:30:00", ""],
    ])
    write_csv("zoho-Deals.csv", [
        ["Record Id", "Deal Owner", "Deal Name", "Amount", "Stage", "Closing Date", "Lead Source", "LEADID",
         "Created Time", "Reason For Loss"],
        ["zcrm_4876876000000200001", "Aman Verma", "Kulkarni 2BHK", "$22,700.00", "Closed Won", "20 Nov, 2026",
         "Facebook", "zcrm_4876876000000123001", "16 Nov, 2026 12:00:00", ""],
        ["zcrm_4876876000000200002", "Neha Joshi", "Mehta office", "$9,500.00", "Closed-Lost to Competition",
         "19 Nov, 2026", "Web Download", "4876876000000123002", "17 Nov, 2026 10:00:00", "Price"],
    ])
    write_csv("zoho-Calls.csv", [
        ["Record Id", "Subject", "Call Type", "Call Start Time", "Call Duration", "Call Duration (in seconds)",
         "Call Owner", "Call Result", "Related To.id", "Dialled Number"],
        ["zcrm_4876876000000300001", "Outbound call", "Outbound", "15 Nov, 2026 10:20:00", "02:15", "135",
         "Aman Verma", "Interested", "zcrm_4876876000000123001", "9876501234"],
        ["zcrm_4876876000000300002", "Missed call", "Missed", "16 Nov, 2026 20:00:00", "00:00", "",
         "Neha Joshi", "", "", "02025678901"],
        ["zcrm_4876876000000300003", "Follow up", "Outbound", "17 Nov, 2026 09:30:00", "01:05", "",
         "Neha Joshi", "Completed", "zcrm_4876876000000123002", ""],
    ])


def pipedrive():
    write_csv("pipedrive-deals.csv", [
        ["Deal - ID", "Deal - Title", "Deal - Owner", "Deal - Value", "Deal - Currency", "Deal - Stage",
         "Deal - Status", "Deal - Deal created", "Deal - Update time", "Deal - Won time", "Deal - Lost time",
         "Deal - Lost reason", "Deal - Source channel", "Deal - Next activity date", "Person - Name",
         "Person - Email", "Person - Phone", "Organization - Name"],
        ["101", "Kapoor villa", "Aman Verma", "950000", "INR", "Proposal Made", "won", "2026-11-16 10:00:00",
         "2026-11-20 18:00:00", "2026-11-20 18:00:00", "", "", "Paid social", "", "Ritu Kapoor",
         "ritu@example.in, ritu.kapoor@work.example", "+91 98200 11111, +91 22 2345 6789", "Kapoor Homes"],
        ["102", "Shah flat", "Neha Joshi", "1200", "USD", "Qualified", "lost", "2026-11-17 11:30:00",
         "2026-11-19 10:00:00", "", "2026-11-19 10:00:00", "No budget", "Organic search", "", "Jay Shah",
         "jay@example.com", "9820022222", ""],
        ["103", "Deleted one", "Neha Joshi", "", "", "Qualified", "deleted", "2026-11-18 09:00:00", "",
         "", "", "", "", "2026-11-25", "Old Lead", "", "", ""],
    ])
    write_csv("pipedrive-leads.csv", [
        ["Lead - ID", "Lead - Title", "Lead - Owner", "Lead - Source", "Lead - Labels", "Lead - Lead created",
         "Lead - Value", "Lead - Currency", "Person - Name", "Person - Email", "Person - Phone",
         "Organization - Name"],
        ["3fa85f64-5717-4562-b3fc-2c963f66afa6", "Gupta kitchen", "Aman Verma", "Web forms", "Hot",
         "2026-11-16 09:45:00", "300000", "INR", "Nikhil Gupta", "nikhil@example.in", "+91 98111 22233", ""],
        ["7c9e6679-7425-40de-944b-e07fc1f90ae7", "Iyer study", "Neha Joshi", "Chatbot", "Cold, Follow up",
         "2026-11-17 14:00:00", "", "", "Lakshmi Iyer", "", "9811122244", "Iyer & Co"],
    ])


def odoo():
    write_csv("odoo-crm.lead.csv", [
        ["ID", "Created on", "Opportunity", "Contact Name", "Email", "Phone", "City", "Source", "Campaign",
         "Medium", "Salesperson", "Stage", "Active", "Lost Reason", "Expected Revenue", "Priority", "Closed Date",
         "Assignment Date", "Last Updated on"],
        ["42", "2026-11-16 10:00:00", "Kitchen for Bose", "Amit Bose", "amit@example.in", "+91 98300 12345",
         "Kolkata", "Facebook", "Diwali 2026", "Banner", "Aman Verma", "Won", "True", "", "450000", "High",
         "2026-11-20 12:00:00", "2026-11-16 10:05:00", "2026-11-20 12:00:00"],
        ["43", "2026-11-17 15:20:00", "Wardrobe for Das", "Rina Das", "rina@example.in", "9830012346", "Kolkata",
         "Website", "", "", "Neha Joshi", "Qualified", "False", "Too expensive", "120000", "Low",
         "2026-11-19 09:00:00", "", "2026-11-19 09:00:00"],
    ])
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "crm.lead"
    ws.append(["id", "create_date", "name", "contact_name", "email_from", "phone", "user_id", "stage_id",
               "active", "lost_reason_id", "expected_revenue", "priority", "date_closed", "date_open",
               "write_date"])
    ws.append(["__export__.crm_lead_44_5f1c2a9b", dt.datetime(2026, 11, 16, 11, 0), "Sofa for Sen", "Joy Sen",
               "joy@example.in", 919830012347, "Aman Verma", "Proposition", True, None, 80000, "2",
               None, dt.datetime(2026, 11, 16, 11, 30), dt.datetime(2026, 11, 18, 9, 0)])
    ws.append(["__export__.crm_lead_45_77aa01cd", dt.datetime(2026, 11, 17, 9, 15), "Office for Roy", "Mita Roy",
               "mita@example.in", "09830012348", "Neha Joshi", "Won", True, None, 300000, "3",
               dt.datetime(2026, 11, 20, 16, 0), None, dt.datetime(2026, 11, 20, 16, 0)])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
    wb.save(os.path.join(OUT, "odoo-crm.lead-technical.xlsx"))


def meta():
    # The Ads Manager download: UTF-16 LE with BOM, tab-separated, prefixed ids and phones.
    rows = [
        ["id", "created_time", "ad_id", "ad_name", "adset_id", "adset_name", "campaign_id", "campaign_name",
         "form_id", "form_name", "is_organic", "platform", "full_name", "phone_number", "email", "city",
         "lead_status"],
        ["l:1203456789012345", "2026-11-16T10:01:12+05:30", "ag:120210000000001", "Kitchen reel 1",
         "as:120210000000002", "Pune 25-45", "c:120210000000003", "Diwali kitchens", "f:987654321",
         "Kitchen quote form", "false", "fb", "Priya Shah", "p:+919876543210", "priya.shah@example.in", "Pune",
         "CREATED"],
        ["l:1203456789012346", "2026-11-16T09:30:00+00:00", "ag:120210000000004", "Wardrobe carousel",
         "as:120210000000002", "Pune 25-45", "c:120210000000003", "Diwali kitchens", "f:987654321",
         "Kitchen quote form", "false", "ig", "Rohan Das", "p:+919800000001", "rohan@example.in", "Pune",
         "CREATED"],
        ["l:1203456789012347", "2026-11-17T08:00:00+05:30", "", "", "", "", "", "", "f:987654321",
         "Kitchen quote form", "true", "fb", "Organic Person", "p:+919800000002", "", "", "CREATED"],
    ]
    buf = io.StringIO()
    csv.writer(buf, delimiter="\t", lineterminator="\r\n").writerows(rows)
    with open(os.path.join(OUT, "meta-lead-ads.csv"), "wb") as f:
        f.write(b"\xff\xfe" + buf.getvalue().encode("utf-16-le"))
    write_csv("meta-leads-center.csv", [
        ["Created", "Name", "Email address", "Phone number", "Source", "Form", "Channel", "Stage", "Owner",
         "Labels"],
        ["16/11/2026, 10:05", "Priya Shah", "priya.shah@example.in", "+919876543210", "Paid", "Kitchen quote form",
         "Facebook", "Intake", "Aman Verma", ""],
        ["05/11/2026, 18:40", "Farah Khan", "farah@example.in", "+919800000003", "Organic", "Kitchen quote form",
         "Instagram", "Qualified", "", "Hot"],
    ])


def forms():
    write_csv("google-forms.csv", [
        ["Timestamp", "Email Address", "Full name", "Phone number (WhatsApp)", "Which city are you in?",
         "Tell us about your requirement"],
        ["11/16/2026 10:05:12", "asha@example.in", "Asha Menon", "98470 12345", "Kochi", "2BHK interiors"],
        ["11/17/2026 21:44:03", "", "Balu", "9847012346", "Kochi", "Kitchen, urgent"],
    ])
    write_csv("typeform.csv", [
        ["#", "What's your name?", "Your email", "Your phone number", "Budget?", "utm_source", "utm_medium",
         "utm_campaign", "Response Type", "Start Date (UTC)", "Submit Date (UTC)", "Network ID", "Tags"],
        ["k4t1x2abc9", "Kavya R", "kavya@example.in", "+91 99000 11122", "5-10 lakh", "google", "cpc",
         "brand-search", "completed", "2026-11-16 04:30:00", "2026-11-16 04:32:10", "a1b2c3", ""],
        ["p9q8r7zzz1", "Dinesh", "dinesh@example.in", "", "", "", "", "", "completed", "2026-11-16 18:59:00",
         "2026-11-16 19:01:00", "d4e5f6", "vip"],
    ])


def calls():
    write_csv("call-log-callrail.csv", [
        ["Start Time", "Direction", "Customer Phone Number", "Customer Name", "Tracking Phone Number", "Source",
         "Duration (seconds)", "Call Status", "Agent Name"],
        ["2026-11-16 10:15 AM", "Outbound", "+91 98765 43210", "Priya Shah", "+91 20 6700 0000", "Google Ads",
         "95", "Answered", "Aman Verma"],
        ["2026-11-16 08:02 PM", "Inbound", "(982) 201-2345", "", "+91 20 6700 0000", "Direct", "0", "Abandoned",
         ""],
    ])
    write_csv("call-log-exotel.csv", [
        ["Call SID", "Start Time", "End Time", "From", "To", "Direction", "Status", "Duration", "Agent"],
        ["9a1f0c2e7b", "2026-11-16 10:20:05", "2026-11-16 10:22:05", "02067000000", "09876543210",
         "outbound-api", "completed", "120", "Aman Verma"],
        ["9a1f0c2e7c", "2026-11-16 21:05:00", "2026-11-16 21:05:20", "09800000009", "02067000000", "incoming",
         "no-answer", "0", ""],
    ])
    write_csv("call-log-knowlarity.csv", [
        ["Call Date", "Call Time", "Caller Number", "Agent Name", "Call Type", "Call Duration", "Call Status"],
        ["16-11-2026", "10:30:00", "+919876543210", "Neha Joshi", "Outgoing", "00:01:23", "Connected"],
        ["17-11-2026", "09:05:30", "+919800000010", "", "Incoming", "00:00:00", "Missed"],
    ])


def workbooks():
    # Leads typed in Excel by hand: dates as date cells and as bare serials, phones as numbers.
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notes"
    ws.append(["This sheet is notes"])
    data = wb.create_sheet("Leads")
    data.append(["Lead ID", "Created", "Name", "Phone", "Owner", "Deal Value"])
    data.append(["X1", dt.datetime(2026, 11, 16, 10, 5), "Asha", 9876543210, "Aman Verma", 250000])
    data.append(["X2", 46343.4375, "Balu", 919812345678, "Neha Joshi", "₹1,20,000"])
    data.append([None, None, None, None, None, None])
    data.append(["X3", "17/11/2026 18:30", "Chitra", "098220 12345", "", None])
    data["B2"].number_format = "dd/mm/yyyy hh:mm"
    wb.save(os.path.join(OUT, "handmade-leads.xlsx"))
    import xlwt
    book = xlwt.Workbook()
    sheet = book.add_sheet("Leads")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm")
    for j, h in enumerate(["lead_id", "created_at", "phone", "owner"]):
        sheet.write(0, j, h)
    sheet.write(1, 0, "Y1")
    sheet.write(1, 1, dt.datetime(2026, 11, 16, 9, 45), date_style)
    sheet.write(1, 2, 9876543211)
    sheet.write(1, 3, "Aman Verma")
    sheet.write(2, 0, "Y2")
    sheet.write(2, 1, dt.datetime(2026, 11, 17, 12, 0), date_style)
    sheet.write(2, 2, "+91 98765 43212")
    book.save(os.path.join(OUT, "legacy-leads.xls"))


def round2():
    """Issue 17's exports: each from the vendor's public description (docs/research)."""
    # HubSpot contacts in a list export with the associated company's properties,
    # re-saved by Excel (US locale): `Record ID - Contact`, repeated headers (the
    # contact's first), M/D/YY H:mm dates, literal null cells.
    write_csv("hubspot-contacts-excel.csv", [
        ["Record ID - Contact", "First Name", "Last Name", "Email", "Phone Number", "Contact owner",
         "Last Activity Date", "Lead Status", "Create Date", "Record ID - Company", "Company name",
         "Company owner", "Create Date", "Phone Number", "Last Activity Date"],
        ["701", "Kavya", "Nair", "kavya@example.in", "+91 98450 11111", "Aman Verma", "11/16/26 11:30", "New",
         "11/16/26 10:00", "9001", "Nair Foods", "Aman Verma", "3/2/24 9:00", "+91 80 4000 1111", "11/16/26 11:30"],
        ["702", "Dev", "Patel", "dev@example.in", "+91 98450 22222", "", "null", "", "11/17/26 9:15",
         "null", "null", "null", "null", "null", "null"],
        ["703", "Meera", "Iyer", "meera@example.in", "+91 98450 33333", "Neha Joshi", "11/18/26 13:00",
         "Connected", "11/17/26 16:45", "9002", "Iyer Studio", "Neha Joshi", "1/15/24 14:20", "+91 80 4000 3333",
         "11/18/26 17:05"],
    ])
    # Zoho's older export (API v1 labels), times in the user's zone, literal null.
    write_csv("zoho-Leads-v1.csv", [
        ["LEADID", "SMOWNERID", "Lead Owner", "Company", "First Name", "Last Name", "Email", "Phone",
         "Lead Source", "Lead Status", "SMCREATORID", "Created By", "Created Time", "Modified Time",
         "Last Activity Time"],
        ["2000000022020", "2000000018005", "Aman Verma", "Rao Interiors", "Sunil", "Rao", "sunil@example.in",
         "9845011111", "Web Download", "Contacted", "2000000018005", "Aman Verma", "2026-11-16 10:00:00",
         "2026-11-16 11:00:00", "2026-11-16 11:00:00"],
        ["2000000022021", "2000000018006", "Neha Joshi", "Gill Traders", "Harpreet", "Gill", "harpreet@example.in",
         "9845022222", "Advertisement", "Not Contacted", "2000000018005", "Aman Verma", "2026-11-17 09:15:00",
         "2026-11-17 09:15:00", "null"],
        ["2000000022022", "2000000018005", "Aman Verma", "Das & Co", "Rina", "Das", "rina@example.in",
         "9845033333", "Cold Call", "Junk Lead", "2000000018006", "Neha Joshi", "2026-11-18 16:45:00",
         "2026-11-19 08:00:00", "2026-11-19 08:00:00"],
    ])
    write_csv("zoho-Potentials-v1.csv", [
        ["POTENTIALID", "SMOWNERID", "Potential Owner", "Potential Name", "Account Name", "Stage", "Amount",
         "Closing Date", "Lead Source", "Created Time"],
        ["2000000030001", "2000000018005", "Aman Verma", "Rao Interiors - Kitchen", "Rao Interiors",
         "Closed Won", "120000", "2026-12-01", "Web Download", "2026-11-18 10:00:00"],
        ["2000000030002", "2000000018006", "Neha Joshi", "Gill Traders - Wardrobe", "Gill Traders",
         "Negotiation/Review", "80000", "2026-12-10", "Advertisement", "2026-11-19 12:00:00"],
    ])
    write_csv("zoho-Events.csv", [
        ["Event Owner", "Title", "Start DateTime", "End DateTime", "Related To", "Created Time"],
        ["Aman Verma", "Site visit: Rao Interiors", "2026-11-18 11:00:00", "2026-11-18 12:00:00",
         "Rao Interiors - Kitchen", "2026-11-17 09:00:00"],
    ])
    write_csv("zoho-Campaigns.csv", [
        ["Campaign Owner", "Campaign Name", "Type", "Status", "Start Date", "End Date", "Budgeted Cost",
         "Actual Cost", "Expected Revenue", "Created Time"],
        ["Aman Verma", "Diwali kitchens", "Advertisement", "Active", "2026-10-20", "2026-11-20", "200000",
         "185000", "2500000", "2026-10-15 10:00:00"],
    ])
    # Bitrix24 REST pages, as saved from crm.lead.list / crm.deal.list (PHONE and
    # EMAIL are multi-fields; numbers and ids are strings; times carry the portal's offset).
    import json
    leads = [
        {"ID": "11", "TITLE": "Kitchen request", "NAME": "Oleg", "LAST_NAME": "Petrov", "STATUS_ID": "CONVERTED",
         "STATUS_SEMANTIC_ID": "S", "SOURCE_ID": "WEB", "ASSIGNED_BY_ID": "7", "DATE_CREATE": "2026-11-16T10:00:00+03:00",
         "DATE_MODIFY": "2026-11-17T12:00:00+03:00", "DATE_CLOSED": "2026-11-17T12:00:00+03:00", "OPPORTUNITY": "150000.00",
         "CURRENCY_ID": "RUB", "HAS_PHONE": "Y", "UTM_SOURCE": "google", "UTM_MEDIUM": "cpc", "UTM_CAMPAIGN": "kitchens",
         "STATUS_DESCRIPTION": None,
         "PHONE": [{"ID": "21", "VALUE_TYPE": "WORK", "VALUE": "+7 912 345-67-01", "TYPE_ID": "PHONE"}],
         "EMAIL": [{"ID": "22", "VALUE_TYPE": "WORK", "VALUE": "oleg@example.ru", "TYPE_ID": "EMAIL"}]},
        {"ID": "12", "TITLE": "Call back", "NAME": "Irina", "LAST_NAME": "Smirnova", "STATUS_ID": "JUNK",
         "STATUS_SEMANTIC_ID": "F", "SOURCE_ID": "CALL", "ASSIGNED_BY_ID": "9", "DATE_CREATE": "2026-11-16T11:30:00+03:00",
         "DATE_MODIFY": "2026-11-16T11:45:00+03:00", "DATE_CLOSED": "2026-11-16T11:45:00+03:00", "OPPORTUNITY": "0.00",
         "CURRENCY_ID": "RUB", "HAS_PHONE": "Y", "UTM_SOURCE": None, "UTM_MEDIUM": None, "UTM_CAMPAIGN": None,
         "STATUS_DESCRIPTION": "wrong number",
         "PHONE": [{"ID": "23", "VALUE_TYPE": "MOBILE", "VALUE": "89123456702", "TYPE_ID": "PHONE"}]},
        {"ID": "13", "TITLE": "Form: wardrobe", "NAME": "Pavel", "LAST_NAME": "Orlov", "STATUS_ID": "UC_K2X4",
         "STATUS_SEMANTIC_ID": "P", "SOURCE_ID": "WEB", "ASSIGNED_BY_ID": "7", "DATE_CREATE": "2026-11-17T09:15:00+03:00",
         "DATE_MODIFY": "2026-11-17T09:20:00+03:00", "DATE_CLOSED": "", "OPPORTUNITY": "0.00", "CURRENCY_ID": "RUB",
         "HAS_PHONE": "N", "UTM_SOURCE": "facebook", "UTM_MEDIUM": "social", "UTM_CAMPAIGN": None,
         "STATUS_DESCRIPTION": None,
         "EMAIL": [{"ID": "24", "VALUE_TYPE": "HOME", "VALUE": "pavel@example.ru", "TYPE_ID": "EMAIL"}]},
    ]
    with open(os.path.join(OUT, "bitrix24-crm.lead.list.json"), "w", encoding="utf-8") as f:
        json.dump({"result": leads, "total": 3}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    deals = [
        {"ID": "37", "TITLE": "Petrov kitchen", "CATEGORY_ID": "1", "STAGE_ID": "C1:WON", "STAGE_SEMANTIC_ID": "S",
         "CLOSED": "Y", "CLOSEDATE": "2026-11-19T00:00:00+03:00", "OPPORTUNITY": "149999.99", "CURRENCY_ID": "RUB",
         "ASSIGNED_BY_ID": "7", "DATE_CREATE": "2026-11-17T12:00:00+03:00", "LEAD_ID": "11"},
        {"ID": "38", "TITLE": "Repeat order", "CATEGORY_ID": "0", "STAGE_ID": "PREPARATION", "STAGE_SEMANTIC_ID": "P",
         "CLOSED": "N", "CLOSEDATE": "2026-12-30T00:00:00+03:00", "OPPORTUNITY": "50000.00", "CURRENCY_ID": "RUB",
         "ASSIGNED_BY_ID": "9", "DATE_CREATE": "2026-11-18T15:30:00+03:00", "LEAD_ID": None},
    ]
    with open(os.path.join(OUT, "bitrix24-crm.deal.list.json"), "w", encoding="utf-8") as f:
        json.dump({"result": deals, "total": 2}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    # The UI's lead list export: every field quoted and followed by `;` (so each
    # line ends with one), a BOM, Russian labels, DD.MM.YYYY HH:MM:SS.
    def bitrix_ui(name, rows):
        text = "".join("".join('"' + v.replace('"', '""') + '";' for v in r) + "\n" for r in rows)
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(b"\xef\xbb\xbf" + text.encode("utf-8"))
    bitrix_ui("bitrix24-leads-ui.csv", [
        ["ID", "Название лида", "Имя", "Фамилия", "Статус", "Источник", "Ответственный", "Дата создания",
         "Возможная сумма", "Телефон", "E-mail", "Задан телефон"],
        ["11", "Заявка: кухня", "Олег", "Петров", "Качественный лид", "Веб-сайт", "Алекс Тестов",
         "16.11.2026 10:00:00", "150000.00", "+7 912 345-67-01", "oleg@example.ru", "Да"],
        ["12", "Звонок", "Ирина", "Смирнова", "Некачественный лид", "Звонок", "Борис Примеров",
         "16.11.2026 11:30:00", "0.00", "8 912 345-67-02", "", "Да"],
        ["13", "Форма: шкаф", "Павел", "Орлов", "В работе", "Веб-сайт", "Алекс Тестов",
         "17.11.2026 09:15:00", "0.00", "", "pavel@example.ru", "Нет"],
    ])
    bitrix_ui("bitrix24-deals-ui.csv", [
        ["ID", "Название сделки", "Стадия сделки", "Сумма", "Валюта", "Ответственный", "Дата создания"],
        ["37", "Кухня Петрова", "Сделка успешна", "149999.99", "Российский рубль", "Алекс Тестов",
         "17.11.2026 12:00:00"],
    ])
    # A legal-intake CRM's lead report (Lead Docket's headers), saved as CSV by Excel.
    write_csv("legal-intake-leads.csv", [
        ["Lead ID", "First Name", "Last Name", "Created Date", "Primary Phone", "Mobile Phone",
         "Phone Call Source", "Contact Source", "Marketing Source", "Case Type", "Status", "Substatus",
         "Signed Up Date"],
        ["5001", "Ana", "Lopez", "11/16/2026 10:02 AM", "(555) 010-0100", "", "Google Ads Call Extension",
         "Phone Call", "Television", "Motor Vehicle Accident", "Signed Up", "", "11/18/2026 2:15 PM"],
        ["5002", "Ben", "Okafor", "11/16/2026 11:40 AM", "", "(555) 010-0101", "", "Web Form", "Billboard",
         "Slip and Fall", "Lost", "Hired Another Attorney", ""],
        ["5003", "Chen", "Wu", "11/17/2026 9:05 AM", "(555) 010-0102", "", "Website Call Tracking",
         "Phone Call", "Web Advertising", "Workers Compensation", "Under Review", "", ""],
    ])
    # Odoo's import-compatible export: technical names, every value quoted, no create_date.
    write_csv("odoo-crm.lead-import-compatible.csv", [
        ["id", "name", "type", "user_id/id", "team_id/id", "stage_id/id", "partner_name", "contact_name",
         "email_from", "phone", "source_id/id", "expected_revenue", "lost_reason_id/id", "active", "probability"],
        ["__export__.crm_lead_12_a1b2c3d4", "Kitchen - website", "opportunity", "base.user_admin",
         "sales_team.team_sales_department", "crm.stage_lead4", "Nair Foods", "Kavya Nair", "kavya@example.in",
         "'+91 98450 11111", "__export__.utm_source_3_0f1e2d3c", "120000.0", "", "True", "100.0"],
    ], quoting=csv.QUOTE_ALL)
    # Salesforce stage history: OpportunityHistory (a snapshot per change) and
    # LeadHistory (one row per tracked field change); UTC times.
    write_csv("salesforce-OpportunityHistory.csv", [
        ["Id", "OpportunityId", "CreatedById", "CreatedDate", "StageName", "Amount", "ExpectedRevenue",
         "CloseDate", "Probability", "ForecastCategory", "SystemModstamp", "IsDeleted"],
        ["0085g00000Hst01AAA", "0065g00000OpP01AAC", "0055g000004XyZ1AAK", "2026-11-18T10:00:00.000Z",
         "Needs Analysis", "18500", "3700", "2026-11-28", "20", "Pipeline", "2026-11-18T10:00:00.000Z", "false"],
        ["0085g00000Hst02AAA", "0065g00000OpP01AAC", "0055g000004XyZ1AAK", "2026-11-19T06:30:00.000Z",
         "Needs Analysis", "19000", "3800", "2026-11-28", "20", "Pipeline", "2026-11-19T06:30:00.000Z", "false"],
        ["0085g00000Hst03AAA", "0065g00000OpP01AAC", "0055g000004XyZ1AAK", "2026-11-20T09:00:00.000Z",
         "Proposal/Price Quote", "19000", "13300", "2026-11-28", "70", "BestCase", "2026-11-20T09:00:00.000Z",
         "false"],
    ], quoting=csv.QUOTE_ALL)
    write_csv("salesforce-LeadHistory.csv", [
        ["Id", "IsDeleted", "LeadId", "CreatedById", "CreatedDate", "Field", "DataType", "OldValue", "NewValue"],
        ["0175g00000Lh001AAA", "false", "00Q5g00000AbCd1AAB", "0055g000004XyZ1AAK", "2026-11-16T04:50:00.000Z",
         "Status", "Text", "Open - Not Contacted", "Working - Contacted"],
        ["0175g00000Lh002AAA", "false", "00Q5g00000AbCd1AAB", "0055g000004XyZ1AAK", "2026-11-16T05:10:00.000Z",
         "Owner", "EntityId", "0055g000004XyZ1AAK", "0055g000004XyZ2AAK"],
        ["0175g00000Lh003AAA", "false", "00Q5g00000AbCd2AAB", "0055g000004XyZ1AAK", "2026-11-18T10:00:00.000Z",
         "Status", "Text", "Working - Contacted", "Closed - Converted"],
        ["0175g00000Lh004AAA", "false", "00Q5g00000AbCd2AAB", "0055g000004XyZ1AAK", "2026-11-18T10:01:00.000Z",
         "created", "", "", ""],
    ], quoting=csv.QUOTE_ALL)
    # HubSpot deals with their stage-calculated properties (`Date entered
    # "<Stage> (<Pipeline>)"`, both quote styles), read as a wide stage history.
    write_csv("hubspot-deals-stage-history.csv", [
        ["Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Create Date", "Close Date", "Deal owner",
         "Associated Contact IDs", 'Date entered "Appointment Scheduled (Sales Pipeline)"',
         'Date exited "Appointment Scheduled (Sales Pipeline)"', "Date entered 'Contract Sent (Sales Pipeline)'",
         'Date entered "Closed Won (Sales Pipeline)"', "Date entered current stage"],
        ["7001", "Rahul - modular kitchen", "Closed won", "Sales Pipeline", "840000", "2026-11-18 15:00",
         "2026-11-20 17:30", "Neha Joshi", "51234002;51234009", "2026-11-18 15:00", "2026-11-19 11:00",
         "2026-11-19 11:00", "2026-11-20 17:30", "2026-11-20 17:30"],
        ["7002", "Priya - wardrobe", "Appointment scheduled", "Sales Pipeline", "120000.50", "2026-11-18 10:00", "",
         "Aman Verma", "51234001", "2026-11-18 10:00", "", "", "", "2026-11-18 10:00"],
    ], quoting=csv.QUOTE_ALL)
    # A Lead file exported without CreatedDate (a report's API-name export).
    write_csv("salesforce-Lead-no-CreatedDate.csv", [
        ["Id", "FirstName", "LastName", "Company", "Phone", "Email", "LeadSource", "Status", "IsConverted",
         "ConvertedDate", "ConvertedOpportunityId", "LastModifiedDate"],
        ["00Q5g00000AbCd9AAB", "Lena", "Vogel", "Vogel GmbH", "+49 30 1234567", "lena@example.de", "Web",
         "Working - Contacted", "false", "", "", "2026-11-18T10:00:00.000Z"],
    ], quoting=csv.QUOTE_ALL)
    # An Opportunity export with two lost-reason fields (an org that renamed one).
    write_csv("salesforce-Opportunity-two-reasons.csv", [
        ["Id", "Name", "StageName", "Amount", "CloseDate", "IsClosed", "IsWon", "CreatedDate", "Loss_Reason__c",
         "LossReason__c"],
        ["0065g00000OpP03AAC", "Vogel Büro", "Closed Lost", "9000", "2026-11-20", "true", "false",
         "2026-11-17 10:00:00", "", "Went with a competitor"],
    ], encoding="iso-8859-1", quoting=csv.QUOTE_ALL)


if __name__ == "__main__":
    import sys
    os.makedirs(OUT, exist_ok=True)
    if sys.argv[1:] == ["round2"]:
        # Only the second round's text fixtures (the binary ones stay as they are).
        round2()
        sys.exit(0)
    hubspot()
    salesforce()
    zoho()
    pipedrive()
    odoo()
    meta()
    forms()
    calls()
    workbooks()
    round2()
